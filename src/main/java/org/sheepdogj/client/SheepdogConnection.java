package org.sheepdogj.client;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResponseHeader;

/**
 * A TCP connection to a sheepdog node that carries many requests at once, as QEMU's driver does: requests are
 * written as they come, a reader thread matches each answer to its request by id. {@link #call} sends a request with
 * the id it has; {@link #submit} gives it a fresh one.
 */
public final class SheepdogConnection implements RequestChannel, Closeable {
    private final Socket socket;
    private final OutputStream out;
    private final Map<Integer, ArrayDeque<CompletableFuture<Response>>> waiting = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1);
    private final Thread reader;
    private volatile IOException failure;

    public SheepdogConnection(String host, int port) throws IOException {
        this(host, port, 10_000);
    }

    public SheepdogConnection(String host, int port, int connectTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        out = socket.getOutputStream();
        reader = new Thread(this::readLoop, "sheepdog-reader-" + host + ":" + port);
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends the request as it is (its id included) and completes with its answer. */
    public CompletionStage<Response> call(Request request) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        synchronized (waiting) {
            if (failure != null) {
                f.completeExceptionally(failure);
                return f;
            }
            waiting.computeIfAbsent(request.header().id(), k -> new ArrayDeque<>()).add(f);
        }
        try {
            synchronized (out) {
                out.write(request.header().toBytes());
                if (request.header().carriesPayload()) {
                    for (ByteBuffer b : request.payload().getByteBuffers()) {
                        writeBuffer(b);
                    }
                }
                out.flush();
            }
        } catch (IOException e) {
            fail(e);
        }
        return f;
    }

    /** Sends the request under a fresh id. */
    @Override
    public CompletionStage<Response> submit(Request request) {
        return call(new Request(request.header().withId(ids.getAndIncrement()), request.payload()));
    }

    /** Sends and waits for the answer. */
    public Response execute(Request request) throws IOException {
        try {
            return call(request).toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (TimeoutException e) {
            throw new IOException("no answer from the node", e);
        }
    }

    private void writeBuffer(ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } else {
            byte[] chunk = new byte[Math.min(b.remaining(), 1 << 16)];
            while (b.hasRemaining()) {
                int n = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    private void readLoop() {
        try {
            InputStream raw = socket.getInputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            byte[] head = new byte[ResponseHeader.SIZE];
            while (true) {
                in.readFully(head);
                ResponseHeader h = ResponseHeader.decode(ByteBuffer.wrap(head));
                if (h.dataLength() < 0) {
                    throw new IOException("answer with data_length " + (h.dataLength() & 0xffffffffL));
                }
                byte[] data = new byte[h.dataLength()];
                in.readFully(data);
                CompletableFuture<Response> f;
                synchronized (waiting) {
                    ArrayDeque<CompletableFuture<Response>> q = waiting.get(h.id());
                    f = q == null ? null : q.poll();
                    if (q != null && q.isEmpty()) {
                        waiting.remove(h.id());
                    }
                }
                if (f == null) {
                    throw new IOException("answer to no request (id " + h.id() + ")");
                }
                f.complete(new Response(h, ByteString.fromArrayUnsafe(data)));
            }
        } catch (EOFException e) {
            fail(new EOFException("the node closed the connection"));
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException e) {
        synchronized (waiting) {
            if (failure == null) {
                failure = e;
            }
            waiting.values().forEach(q -> q.forEach(f -> f.completeExceptionally(e)));
            waiting.clear();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    public boolean isOpen() {
        return failure == null && !socket.isClosed();
    }

    @Override
    public void close() {
        fail(new IOException("connection closed"));
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a request that carries no payload and returns its answer, for one-shot use. */
    public static Response once(String host, int port, RequestHeader header) {
        try (SheepdogConnection c = new SheepdogConnection(host, port)) {
            return c.execute(Request.of(header));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
