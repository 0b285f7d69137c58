// Jest global setup: whether the scenario suite also runs on Zeebe. With ZEEBE_GRPC_ADDRESS set and
// a broker answering there, it does; otherwise the Zeebe run is skipped and the reason is printed
// once here (and carried in the skipped describe's name). Workers inherit the verdict through
// WZ_ZEEBE_SKIP ('' = run).
import { connect } from 'node:net';
import process from 'node:process';

function probe(address, timeoutMs = 2000) {
  const m = /^(?:grpcs?:\/\/)?([^:/]+):(\d+)$/.exec(address);
  if (!m) return Promise.resolve(`ZEEBE_GRPC_ADDRESS "${address}" is not host:port`);
  return new Promise((resolve) => {
    const socket = connect({ host: m[1], port: Number(m[2]) });
    const done = (reason) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no broker answered at ${address} within ${timeoutMs} ms`));
    socket.once('connect', () => done(''));
    socket.once('error', (err) => done(`no broker at ${address} (${err.code ?? err.message})`));
  });
}

export default async function zeebeProbe() {
  const address = process.env.ZEEBE_GRPC_ADDRESS;
  let reason = '';
  if (!address) reason = 'ZEEBE_GRPC_ADDRESS is not set';
  else if (!process.env.ZEEBE_REST_ADDRESS) reason = 'ZEEBE_REST_ADDRESS is not set (user tasks are completed and the clock is pinned through the REST API)';
  else reason = await probe(address);
  process.env.WZ_ZEEBE_SKIP = reason;
  process.stderr.write(reason ? `\nscenario suite on Zeebe: skipped — ${reason}\n` : `\nscenario suite on Zeebe: running against ${address}\n`);
}
