// Preloaded with `node --import` into peers that offer no listen-address option (supergateway): every TCP server
// that would listen on all interfaces listens on 127.0.0.1 instead, so the benchmark never opens a port beyond
// loopback.
import net from 'node:net';

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && typeof second !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  } else if (first !== null && typeof first === 'object' && 'port' in first && first.path === undefined) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
