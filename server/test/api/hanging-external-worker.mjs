/* global process */
// A remote worker process for the kill test (remote-workers-client.test.ts): it takes one job of
// TOPIC with the real client, says so on stdout, and never finishes it — until it is killed.
import { BasicAuthInterceptor, Client } from 'camunda-external-task-client-js';

const client = new Client({
  baseUrl: process.env.ENGINE_REST_URL,
  workerId: `hanging-${process.pid}`,
  maxTasks: 1,
  asyncResponseTimeout: 1000,
  interval: 20,
  lockDuration: Number(process.env.LOCK_MS),
  interceptors: new BasicAuthInterceptor({ username: process.env.ENGINE_REST_USER, password: process.env.ENGINE_REST_PASSWORD }),
});
client.subscribe(process.env.TOPIC, ({ task }) => {
  process.stdout.write(`LOCKED ${task.id}\n`);
  client.stop();
  return new Promise(() => {});
});
client.on('poll:error', (e) => process.stderr.write(`poll error: ${e?.message ?? e}\n`));
client.on('handler:error', (e) => process.stderr.write(`handler error: ${e?.message ?? e}\n`));
