"""What every mutation shares: its declaration, one call's keys and retries, one write at a
time per object, and where a completed flow sends the customer."""
