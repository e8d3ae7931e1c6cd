package org.sheepdogj.client;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * written as they come (header and payload in one gathering write), answers are matched to their requests by id.
 * {@link #call} sends a request with the id it has; {@link #submit} gives it a fresh one.
 *
 * <p>Answers are read either by a reader thread of the connection (the default), or, for a connection made with
 * {@link #drivenByCaller}, by the owner's thread through {@link #awaitAnswer} and {@link #await}: one thread then
 * sends and receives, as QEMU's event loop does, and an answer reaches its callbacks without a thread switch. Such a
 * connection queues its requests and writes them, all in one system call, when the caller has no answer left to read
 * without waiting.
 *
 * <p>A request may name the buffer its answer's data goes to ({@link #submit(Request, ByteBuffer)}), as QEMU reads
 * into the guest's memory: the data then goes from the socket into that buffer, with no array in between. Likewise a
 * request's data may be sent from a buffer ({@link #submitFrom}), as QEMU writes from the guest's memory: a direct
 * buffer goes to the socket without the copy the JDK makes of heap data.
 */
public final class SheepdogConnection implements RequestChannel, Closeable {
    private static final int READ_BUFFER = 1 << 16;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final SocketChannel channel;
    /** Bytes read from the socket and not yet taken (between position and limit). */
    private final ByteBuffer received = ByteBuffer.allocateDirect(READ_BUFFER).limit(0);
    private final Object sending = new Object();
    /**
     * Requests not yet written: with a reader thread each leaves at once; a caller-driven connection writes them when
     * the caller waits for an answer.
     */
    private final List<ByteBuffer> unsent = new ArrayList<>();
    private final Map<Integer, ArrayDeque<Pending>> waiting = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1);
    private final Thread reader;
    private volatile IOException failure;

    public SheepdogConnection(String host, int port) throws IOException {
        this(host, port, CONNECT_TIMEOUT_MILLIS);
    }

    public SheepdogConnection(String host, int port, int connectTimeoutMillis) throws IOException {
        this(host, port, connectTimeoutMillis, true);
    }

    private SheepdogConnection(String host, int port, int connectTimeoutMillis, boolean withReader)
            throws IOException {
        channel = SocketChannel.open();
        try {
            channel.socket().setTcpNoDelay(true);
            channel.socket().connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (withReader) {
            reader = new Thread(this::readLoop, "sheepdog-reader-" + host + ":" + port);
            reader.setDaemon(true);
            reader.start();
        } else {
            reader = null;
        }
    }

    /** A connection without a reader thread: its owner reads the answers with {@link #awaitAnswer}. */
    public static SheepdogConnection drivenByCaller(String host, int port) throws IOException {
        return new SheepdogConnection(host, port, CONNECT_TIMEOUT_MILLIS, false);
    }

    /** Sends the request as it is (its id included) and completes with its answer. */
    public CompletionStage<Response> call(Request request) {
        return call(request, null, null);
    }

    /** A request on its way: its answer, and where that answer's data goes (null: into the answer). */
    private record Pending(CompletableFuture<Response> answer, ByteBuffer into) {
    }

    /** With {@code into} where the answer's data goes, {@code from} the request's data instead of its payload. */
    private CompletionStage<Response> call(Request request, ByteBuffer into, ByteBuffer from) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        synchronized (waiting) {
            if (failure != null) {
                f.completeExceptionally(failure);
                return f;
            }
            waiting.computeIfAbsent(request.header().id(), k -> new ArrayDeque<>()).add(new Pending(f, into));
        }
        try {
            send(request, from);
        } catch (IOException e) {
            fail(e);
        }
        return f;
    }

    private void send(Request request, ByteBuffer from) throws IOException {
        synchronized (sending) {
            unsent.add(ByteBuffer.wrap(request.header().toBytes()));
            if (from != null) {
                unsent.add(from);
            } else if (request.header().carriesPayload()) {
                request.payload().getByteBuffers().forEach(unsent::add);
            }
            if (reader != null) {
                sendQueued();
            }
        }
    }

    /** The requests queued so far leave in one gathering write. */
    private void sendQueued() throws IOException {
        synchronized (sending) {
            if (!unsent.isEmpty()) {
                ByteBuffer[] frames = unsent.toArray(new ByteBuffer[0]);
                unsent.clear();
                writeFully(frames);
            }
        }
    }

    private void writeFully(ByteBuffer[] frame) throws IOException {
        long left = 0;
        for (ByteBuffer b : frame) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= channel.write(frame);
        }
    }

    /** Sends the request under a fresh id. */
    @Override
    public CompletionStage<Response> submit(Request request) {
        return call(withFreshId(request), null, null);
    }

    /**
     * Sends the request under a fresh id; the answer's data is read from the socket straight into {@code into}, from
     * its position (which stays where it is). An answer with more data than {@code into} has room for fails the
     * connection.
     */
    @Override
    public CompletionStage<Response> submit(Request request, ByteBuffer into) {
        return call(withFreshId(request), into.duplicate(), null);
    }

    /**
     * Sends a request under a fresh id with {@code data} (from its position to its limit) as its payload, written to
     * the socket from that buffer, which must not change until the answer has come.
     */
    @Override
    public CompletionStage<Response> submitFrom(RequestHeader header, ByteBuffer data) {
        return call(withFreshId(Request.of(header)), null, data.duplicate());
    }

    private Request withFreshId(Request request) {
        return new Request(request.header().withId(ids.getAndIncrement()), request.payload());
    }

    /** Sends and waits for the answer. */
    public Response execute(Request request) throws IOException {
        CompletionStage<Response> answer = call(request);
        if (reader == null) {
            return await(answer);
        }
        try {
            return answer.toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw asIOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (TimeoutException e) {
            throw new IOException("no answer from the node", e);
        }
    }

    /**
     * Reads answers on this thread until {@code stage} is complete, and gives its value; only for a connection
     * {@link #drivenByCaller}.
     */
    public <T> T await(CompletionStage<T> stage) throws IOException {
        CompletableFuture<T> f = stage.toCompletableFuture();
        while (!f.isDone()) {
            awaitAnswer();
        }
        try {
            return f.join();
        } catch (RuntimeException e) {
            throw asIOException(e.getCause() == null ? e : e.getCause());
        }
    }

    private static IOException asIOException(Throwable cause) {
        return cause instanceof IOException io ? io : new IOException(cause);
    }

    /**
     * Reads one answer and completes its request on this thread (its callbacks run here); only for a connection
     * {@link #drivenByCaller}.
     */
    public void awaitAnswer() throws IOException {
        if (reader != null) {
            throw new IllegalStateException("this connection's answers are read by its reader thread");
        }
        if (failure != null) {
            throw failure;
        }
        try {
            if (received.remaining() < ResponseHeader.SIZE) {
                sendQueued();
            }
            readAnswer();
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    private void readLoop() {
        try {
            while (true) {
                readAnswer();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void readAnswer() throws IOException {
        while (received.remaining() < ResponseHeader.SIZE) {
            receiveMore();
        }
        ResponseHeader h = ResponseHeader.decode(received);
        received.position(received.position() + ResponseHeader.SIZE);
        if (h.dataLength() < 0) {
            throw new IOException("answer with data_length " + (h.dataLength() & 0xffffffffL));
        }
        Pending p;
        synchronized (waiting) {
            ArrayDeque<Pending> q = waiting.get(h.id());
            p = q == null ? null : q.poll();
            if (q != null && q.isEmpty()) {
                waiting.remove(h.id());
            }
        }
        if (p == null) {
            throw new IOException("answer to no request (id " + h.id() + ")");
        }
        if (p.into() == null) {
            byte[] data = new byte[h.dataLength()];
            readFully(ByteBuffer.wrap(data));
            p.answer().complete(new Response(h, ByteString.fromArrayUnsafe(data)));
            return;
        }
        if (h.dataLength() > p.into().remaining()) {
            throw new IOException("answer with " + h.dataLength() + " bytes to a request with room for "
                    + p.into().remaining());
        }
        readFully(p.into().limit(p.into().position() + h.dataLength()));
        p.answer().complete(Response.of(h));
    }

    /** Fills {@code into}: first from what was received already, then from the socket directly. */
    private void readFully(ByteBuffer into) throws IOException {
        if (received.hasRemaining()) {
            int n = Math.min(received.remaining(), into.remaining());
            into.put(received.slice(received.position(), n));
            received.position(received.position() + n);
        }
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new EOFException("the node closed the connection");
            }
        }
    }

    private void receiveMore() throws IOException {
        received.compact();
        int n = channel.read(received);
        received.flip();
        if (n < 0) {
            throw new EOFException("the node closed the connection");
        }
    }

    private void fail(IOException e) {
        synchronized (waiting) {
            if (failure == null) {
                failure = e;
            }
            waiting.values().forEach(q -> q.forEach(p -> p.answer().completeExceptionally(e)));
            waiting.clear();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    public boolean isOpen() {
        return failure == null && channel.isOpen();
    }

    @Override
    public void close() {
        fail(new IOException("connection closed"));
        if (reader == null) {
            return;
        }
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
