// Opens a Duplex realtime session with OpenAI's official Node SDK and an ephemeral key (a client
// secret, ek_...), sends one text item and response.create, and prints every server event as one
// JSON line until response.done. Usage:
//   DUPLEX_CLIENT_SECRET=ek_... node realtime.mjs <base URL, e.g. http://127.0.0.1:8080/v1> <agent id>
// The SDK always turns the base URL into wss://; a plain-HTTP test server is reached by handing
// the socket library a plain TCP connection to the same host and port.
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const [baseURL, agent] = process.argv.slice(2);
const secret = process.env.DUPLEX_CLIENT_SECRET;
if (!baseURL || !agent || !secret) {
  console.error('usage: DUPLEX_CLIENT_SECRET=ek_... node realtime.mjs <base URL> <agent id>');
  process.exit(2);
}
const server = new URL(baseURL);
const plainTcp = () => net.connect({ host: server.hostname, port: Number(server.port) });

const client = new OpenAI({ apiKey: secret, baseURL });
const rt = new OpenAIRealtimeWS({ model: agent, options: { createConnection: plainTcp } }, client);

const timer = setTimeout(() => {
  console.error('no response.done within 30 s');
  process.exit(1);
}, 30_000);

rt.on('event', (event) => console.log(JSON.stringify(event)));
rt.on('error', (error) => {
  console.error('realtime error: ' + (error.message ?? error));
  process.exit(1);
});
rt.socket.on('open', () => {
  rt.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello from the node sdk' }] },
  });
  rt.send({ type: 'response.create' });
});
let answered = false;
rt.on('response.done', () => {
  answered = true;
  clearTimeout(timer);
  rt.close();
});
rt.socket.on('close', (code) => {
  console.error('closed ' + code);
  process.exit(answered ? 0 : 1);
});
