/**
 * A burst of messages a turn writes in one tick (usage, the tool call's card,
 * the tool request) reaches HTTP/2 in two writes, not one write per message
 * each waiting for the one before; order, backpressure and the end of the
 * call are unchanged. A real grpc-js server on a real TLS port serves the
 * project's Chat method, and a real grpc-js client reads it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { ChatServerMessage, ChatServerMessage__Output } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import type { AgentServiceClient } from '../../protocol/generated/hearth/v1/AgentService';
import { writeBatchedPerTick } from '../../agent-host/server/ops/writeBatchedPerTick';
import { waitForDrain } from '../../agent-host/server/ops/waitForDrain';
import { makePki, type TestPki } from './teamServerHarness';

type ChatCall = grpc.ServerDuplexStream<unknown, ChatServerMessage>;
type StreamWrite = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Node's HTTP/2 server stream class and the class that implements its
 * writes, found through a throwaway connection: grpc-js writes every gRPC
 * message through the stream's `_write` or `_writev`, and each of those
 * calls becomes its own flush to the socket.
 */
async function http2StreamClasses(): Promise<{ server: object; writes: { _write: StreamWrite; _writev: StreamWrite } }> {
  const server = http2.createServer();
  const stream = new Promise<http2.ServerHttp2Stream>((resolve) => server.once('stream', (s) => resolve(s)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const request = client.request({ ':path': '/' });
  const serverProto = Object.getPrototypeOf(await stream) as object;
  request.close();
  client.close();
  await new Promise((resolve) => server.close(resolve));
  return { server: serverProto, writes: Object.getPrototypeOf(serverProto) as { _write: StreamWrite; _writev: StreamWrite } };
}

const text = (i: number): ChatServerMessage => ({ text: { delta: `part ${i}` } });

describe('team server: messages written in one tick', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let server: grpc.Server;
  let client: AgentServiceClient;
  let proto: { _write: StreamWrite; _writev: StreamWrite };
  let original: { _write: StreamWrite; _writev: StreamWrite };
  /** The server streams' writes to HTTP/2 so far, each as the number of messages it carried (the client's own writes are not counted). */
  let serverWrites: number[] = [];
  /** What the server does with a call; each test sets it. */
  let handler: (call: ChatCall) => void = () => undefined;

  before(async () => {
    pki = makePki();
    const classes = await http2StreamClasses();
    proto = classes.writes;
    original = { _write: proto._write, _writev: proto._writev };
    const isServerStream = (stream: unknown) => Object.getPrototypeOf(stream) === classes.server;
    proto._write = function (this: unknown, ...args: unknown[]) {
      if (isServerStream(this)) serverWrites.push(1);
      return original._write.apply(this, args);
    };
    proto._writev = function (this: unknown, ...args: unknown[]) {
      if (isServerStream(this)) serverWrites.push((args[0] as unknown[]).length);
      return original._writev.apply(this, args);
    };
    const { grpc: pkg } = hearthPackage();
    server = new grpc.Server();
    server.addService(pkg.hearth.v1.AgentService.service, {
      Chat: (call: ChatCall) => call.once('data', () => handler(call)),
    } as unknown as grpc.UntypedServiceImplementation);
    const creds = grpc.ServerCredentials.createSsl(null, [{ private_key: readFileSync(pki.keyFile), cert_chain: readFileSync(pki.certFile) }]);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
    client = new pkg.hearth.v1.AgentService(`localhost:${port}`, grpc.credentials.createSsl(pki.caPem));
  });

  after(() => {
    proto._write = original._write;
    proto._writev = original._writev;
    client?.close();
    server?.forceShutdown();
    pki?.cleanup();
  });

  /** Starts a call, lets the handler answer, and returns everything the client read and how the call ended. */
  function chat(): Promise<{ messages: ChatServerMessage__Output[]; status: grpc.StatusObject }> {
    return new Promise((resolve) => {
      const messages: ChatServerMessage__Output[] = [];
      const call = client.Chat();
      call.on('data', (m: ChatServerMessage__Output) => messages.push(m));
      call.on('status', (status: grpc.StatusObject) => resolve({ messages, status }));
      call.on('error', () => undefined);
      call.write({ cancel: {} });
      call.end();
    });
  }

  it('hands a burst to HTTP/2 in two writes instead of one per message, in order, and ends the call after it', async () => {
    handler = (call) => {
      const write = writeBatchedPerTick<ChatServerMessage>(call);
      serverWrites = [];
      for (let i = 0; i < 4; i++) write(text(i));
      // Ending in the same tick must still send the burst first.
      call.end();
    };
    const { messages, status } = await chat();
    assert.equal(status.code, grpc.status.OK);
    assert.deepEqual(
      messages.map((m) => m.text?.delta),
      ['part 0', 'part 1', 'part 2', 'part 3'],
    );
    // The HTTP/2 stream takes the first message at once and holds the rest until that write completes (Node's
    // Writable keeps one write in flight); they then go together. grpc-js alone would make that four writes, one by one.
    assert.deepEqual(serverWrites, [1, 3]);
  });

  it('without it, grpc-js hands HTTP/2 each message as a write of its own (the behaviour it works around)', async () => {
    handler = (call) => {
      serverWrites = [];
      for (let i = 0; i < 4; i++) call.write(text(i));
      call.end();
    };
    const { messages } = await chat();
    assert.equal(messages.length, 4);
    assert.deepEqual(serverWrites, [1, 1, 1, 1], 'if grpc-js now batches writes itself, writeBatchedPerTick can go');
  });

  it('keeps backpressure: past the high-water mark write says wait, and after drain every message arrives in order', async () => {
    let refused = false;
    handler = (call) => {
      const write = writeBatchedPerTick<ChatServerMessage>(call);
      void (async () => {
        for (let i = 0; i < 100; i++) {
          if (!write(text(i))) {
            refused = true;
            await waitForDrain(call);
          }
        }
        call.end();
      })();
    };
    const { messages, status } = await chat();
    assert.equal(status.code, grpc.status.OK);
    assert.ok(refused, 'a burst of 100 went past the stream high-water mark');
    assert.deepEqual(
      messages.map((m) => m.text?.delta),
      Array.from({ length: 100 }, (_, i) => `part ${i}`),
    );
  });
});
