"""The portal configuration as the frontend needs it: branding and which features are on."""
