// Runs graphql-http's GraphQL-over-HTTP server audit against the URL given as the only
// argument. Prints one JSON line per audit ({id, name, status, reason?, body?}), then a
// summary line; exits 1 when any required (MUST) audit failed, 2 on a usage or fatal error.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    line.httpStatus = result.response.status;
    line.body = (await result.response.text()).slice(0, 500);
  }
  console.log(JSON.stringify(line));
}
console.log(JSON.stringify({ summary: counts, total: results.length }));
process.exit(counts.error > 0 ? 1 : 0);
