/**
 * Entry point: serves the database the environment names from one thread
 * per core (server.ts; DATABASE_URL, DATABASE_SYNC_URL, THREADS, PORT …).
 */
import { configFromEnv, serveAll } from "./server.ts";

await serveAll(configFromEnv());
