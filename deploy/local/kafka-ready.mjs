// Waits until a Kafka broker answers a metadata request, for kafka.sh.
// Usage: node kafka-ready.mjs <host:port> <timeout-ms> [pid]
// Exit codes: 0 serving, 1 timed out, 2 the broker process (pid) exited first.
import { Kafka, logLevel } from 'kafkajs';

const [broker = '127.0.0.1:9092', timeoutArg = '90000', pidArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg);
const pid = pidArg === undefined ? undefined : Number(pidArg);

const kafka = new Kafka({
  clientId: 'sluice-kafka-ready',
  brokers: [broker],
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});

const alive = (p) => {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
};

let lastError = 'no attempt';
for (;;) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length > 0) {
      console.log(`kafka serving at ${broker} (cluster ${cluster.clusterId}, controller ${cluster.controller})`);
      await admin.disconnect();
      process.exit(0);
    }
    lastError = 'no broker registered yet';
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
  }
  await admin.disconnect().catch(() => {});
  if (pid !== undefined && !alive(pid)) {
    console.error(`kafka process ${pid} exited before serving ${broker}`);
    process.exit(2);
  }
  if (Date.now() >= deadline) {
    console.error(`kafka at ${broker} not serving after ${timeoutArg} ms: ${lastError}`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
