/** A fresh PostgreSQL database for one test file, next to the one DATABASE_URL names; dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function withFreshPostgres(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `proximity_cli_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
