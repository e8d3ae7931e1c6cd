package org.sheepdogj.nbd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.StreamDetachedException;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.ResultCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NBD client connection as a stream stage: the fixed newstyle handshake and option haggling, then the
 * transmission phase, where requests run at once (up to a bound of requests and bytes) and are answered as each
 * completes, matched by their handle. Malformed input gets an error reply where the protocol allows one, and the
 * connection is closed where it does not (a bad magic, an option or write too large to skip safely).
 */
final class NbdConnection extends GraphStage<FlowShape<ByteString, ByteString>> {
    private static final Logger log = LoggerFactory.getLogger(NbdConnection.class);
    private static final int OPTION_HEADER = 16;
    private static final int REQUEST_HEADER = 28;
    private static final int MAX_OPTION_DATA = 64 * 1024;
    private static final int MAX_IN_FLIGHT = 64;

    private final Inlet<ByteString> in = Inlet.create("NbdConnection.in");
    private final Outlet<ByteString> out = Outlet.create("NbdConnection.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Exports exports;
    private final String peer;
    private final int maxPayload;
    private final long maxBytesInFlight;

    NbdConnection(Exports exports, String peer, int maxPayload, long maxBytesInFlight) {
        this.exports = exports;
        this.peer = peer;
        this.maxPayload = maxPayload;
        this.maxBytesInFlight = maxBytesInFlight;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    private enum Phase { CLIENT_FLAGS, OPTIONS, TRANSMISSION, CLOSING }

    @Override
    public GraphStageLogic createLogic(Attributes attrs) {
        return new Logic();
    }

    private final class Logic extends GraphStageLogic {
        private ByteString buffer = ByteString.emptyByteString();
        private final ArrayDeque<ByteString> replies = new ArrayDeque<>();
        private Phase phase = Phase.CLIENT_FLAGS;
        private boolean noZeroes;
        private boolean structured;
        private boolean allocationContext;
        private boolean busy;
        private boolean upstreamDone;
        private int inFlight;
        private long bytesInFlight;
        private Exports.Export export;
        private AsyncCallback<Runnable> onMain;

        Logic() {
            super(shape);
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    buffer = buffer.concat(grab(in));
                    process();
                }

                @Override
                public void onUpstreamFinish() {
                    upstreamDone = true;
                    process();
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    flushReplies();
                }
            });
        }

        @Override
        public void preStart() {
            onMain = createAsyncCallback(Runnable::run);
            ByteBuffer b = ByteBuffer.allocate(18);
            b.putLong(Nbd.NBDMAGIC).putLong(Nbd.IHAVEOPT).putShort((short) (Nbd.FLAG_FIXED_NEWSTYLE
                    | Nbd.FLAG_NO_ZEROES));
            reply(b);
            pull(in);
        }

        @Override
        public void postStop() {
            if (export != null) {
                exports.release(export);
                export = null;
            }
        }

        /** Runs {@code work}'s continuation back on the stage, where state may change. */
        private <T> void whenDone(CompletionStage<T> work, BiConsumer<T, Throwable> then) {
            work.whenComplete((v, e) -> onMain.invoke(() -> then.accept(v, e)));
        }

        /**
         * As {@link #whenDone}, for work that yields something to give back: if the stage has stopped before it could
         * take the result (the client went away meanwhile), {@code orphaned} gets it.
         */
        private <T> void whenDone(CompletionStage<T> work, BiConsumer<T, Throwable> then, Consumer<T> orphaned) {
            work.whenComplete((v, e) -> onMain.invokeWithFeedbackCompletionStage(() -> then.accept(v, e))
                    .whenComplete((done, stopped) -> {
                        if (stopped instanceof StreamDetachedException && e == null) {
                            orphaned.accept(v);
                        }
                    }));
        }

        private void process() {
            while (!busy && phase != Phase.CLOSING) {
                boolean progressed = switch (phase) {
                    case CLIENT_FLAGS -> clientFlags();
                    case OPTIONS -> option();
                    case TRANSMISSION -> request();
                    default -> false;
                };
                if (!progressed) {
                    break;
                }
            }
            if (upstreamDone && inFlight == 0 && !busy) {
                finish();
                return;
            }
            if (!hasBeenPulled(in) && !isClosed(in) && !busy && inFlight < MAX_IN_FLIGHT
                    && bytesInFlight < maxBytesInFlight && buffer.size() < maxPayload + REQUEST_HEADER) {
                pull(in);
            }
        }

        private void finish() {
            phase = Phase.CLOSING;
            if (replies.isEmpty()) {
                completeStage();
            }
        }

        private boolean clientFlags() {
            if (buffer.size() < 4) {
                return false;
            }
            int flags = take(4).getInt();
            if ((flags & Nbd.FLAG_FIXED_NEWSTYLE) == 0) {
                log.warn("NBD client {}: not fixed newstyle, closing", peer);
                fail("client without fixed newstyle negotiation");
                return false;
            }
            noZeroes = (flags & Nbd.FLAG_NO_ZEROES) != 0;
            phase = Phase.OPTIONS;
            return true;
        }

        // ------------------------------------------------------------------------------------------------------
        // option haggling

        private boolean option() {
            if (buffer.size() < OPTION_HEADER) {
                return false;
            }
            ByteBuffer h = buffer.take(OPTION_HEADER).asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            if (h.getLong(0) != Nbd.IHAVEOPT) {
                fail("bad option magic");
                return false;
            }
            int option = h.getInt(8);
            long length = h.getInt(12) & 0xffffffffL;
            if (length > MAX_OPTION_DATA) {
                log.warn("NBD client {}: option {} with {} bytes of data, closing", peer, option, length);
                fail("option data too large");
                return false;
            }
            if (buffer.size() < OPTION_HEADER + length) {
                return false;
            }
            buffer = buffer.drop(OPTION_HEADER);
            ByteBuffer data = take((int) length);
            switch (option) {
                case Nbd.OPT_EXPORT_NAME -> openExport(decode(data, data.remaining()), option, false);
                case Nbd.OPT_GO, Nbd.OPT_INFO -> goOrInfo(option, data);
                case Nbd.OPT_LIST -> listExports(data);
                case Nbd.OPT_STRUCTURED_REPLY -> {
                    if (data.remaining() != 0) {
                        optionReply(option, Nbd.REP_ERR_INVALID, ByteString.emptyByteString());
                    } else {
                        structured = true;
                        optionReply(option, Nbd.REP_ACK, ByteString.emptyByteString());
                    }
                }
                case Nbd.OPT_LIST_META_CONTEXT, Nbd.OPT_SET_META_CONTEXT -> metaContext(option, data);
                case Nbd.OPT_ABORT -> {
                    optionReply(option, Nbd.REP_ACK, ByteString.emptyByteString());
                    finish();
                }
                default -> optionReply(option, Nbd.REP_ERR_UNSUP, ByteString.emptyByteString());
            }
            return true;
        }

        private void listExports(ByteBuffer data) {
            if (data.remaining() != 0) {
                optionReply(Nbd.OPT_LIST, Nbd.REP_ERR_INVALID, ByteString.emptyByteString());
                return;
            }
            busy = true;
            whenDone(exports.list(), (names, e) -> {
                busy = false;
                if (e != null) {
                    optionReply(Nbd.OPT_LIST, Nbd.REP_ERR_UNKNOWN, text("cannot list VDIs: " + e));
                } else {
                    for (String name : names) {
                        byte[] n = Names.bytes(name);
                        ByteBuffer b = ByteBuffer.allocate(4 + n.length);
                        b.putInt(n.length).put(n);
                        optionReply(Nbd.OPT_LIST, Nbd.REP_SERVER, ByteString.fromArrayUnsafe(b.array()));
                    }
                    optionReply(Nbd.OPT_LIST, Nbd.REP_ACK, ByteString.emptyByteString());
                }
                process();
            });
        }

        private void goOrInfo(int option, ByteBuffer data) {
            if (data.remaining() < 6) {
                optionReply(option, Nbd.REP_ERR_INVALID, text("short option"));
                return;
            }
            long nameLength = data.getInt() & 0xffffffffL;
            if (nameLength > data.remaining() - 2) {
                optionReply(option, Nbd.REP_ERR_INVALID, text("name longer than the option"));
                return;
            }
            String name = decode(data, (int) nameLength);
            int requests = data.getShort() & 0xffff;
            if (data.remaining() != requests * 2) {
                optionReply(option, Nbd.REP_ERR_INVALID, text("information requests do not match the length"));
                return;
            }
            openExport(name, option, option == Nbd.OPT_INFO);
        }

        /** OPT_EXPORT_NAME, OPT_GO and OPT_INFO: find the export, describe it, and (except INFO) start. */
        private void openExport(String name, int option, boolean infoOnly) {
            if (name.isEmpty() || Names.bytes(name).length > 511) {
                refuseExport(option, "no such export: '" + name + "'");
                return;
            }
            busy = true;
            ExportName wanted = ExportName.parse(name);
            whenDone(exports.acquire(wanted), (e, err) -> {
                busy = false;
                if (err != null) {
                    int result = SheepdogException.resultOf(err);
                    String why = result > 0 ? ResultCode.describe(result) : err.getMessage();
                    refuseExport(option, (result == ResultCode.NO_VDI || result == ResultCode.NO_TAG
                            ? "no such export: '" : "export not available now: '") + name + "' (" + why + ")");
                } else if (infoOnly) {
                    describe(option, e, name);
                    optionReply(option, Nbd.REP_ACK, ByteString.emptyByteString());
                    exports.release(e);
                } else {
                    export = e;
                    if (option == Nbd.OPT_EXPORT_NAME) {
                        ByteBuffer b = ByteBuffer.allocate(noZeroes ? 10 : 134);
                        b.putLong(e.handle.size()).putShort((short) transmissionFlags(e));
                        reply(b);
                    } else {
                        describe(option, e, name);
                        optionReply(option, Nbd.REP_ACK, ByteString.emptyByteString());
                    }
                    phase = Phase.TRANSMISSION;
                    log.info("NBD client {} uses export {}", peer, name);
                }
                process();
            }, exports::release);
        }

        private void refuseExport(int option, String why) {
            if (option == Nbd.OPT_EXPORT_NAME) {
                log.info("NBD client {}: {}; closing", peer, why);
                finish();
            } else {
                log.info("NBD client {}: {}", peer, why);
                optionReply(option, Nbd.REP_ERR_UNKNOWN, text(why));
            }
        }

        private void describe(int option, Exports.Export e, String name) {
            ByteBuffer info = ByteBuffer.allocate(12);
            info.putShort((short) Nbd.INFO_EXPORT).putLong(e.handle.size()).putShort((short) transmissionFlags(e));
            optionReply(option, Nbd.REP_INFO, ByteString.fromArrayUnsafe(info.array()));
            byte[] n = Names.bytes(name);
            ByteBuffer nameInfo = ByteBuffer.allocate(2 + n.length);
            nameInfo.putShort((short) Nbd.INFO_NAME).put(n);
            optionReply(option, Nbd.REP_INFO, ByteString.fromArrayUnsafe(nameInfo.array()));
            ByteBuffer sizes = ByteBuffer.allocate(14);
            sizes.putShort((short) Nbd.INFO_BLOCK_SIZE).putInt(1).putInt(4096).putInt(maxPayload);
            optionReply(option, Nbd.REP_INFO, ByteString.fromArrayUnsafe(sizes.array()));
        }

        private int transmissionFlags(Exports.Export e) {
            int f = Nbd.TFLAG_HAS_FLAGS | Nbd.TFLAG_SEND_FLUSH | Nbd.TFLAG_SEND_FUA | Nbd.TFLAG_SEND_DF
                    | Nbd.TFLAG_CAN_MULTI_CONN;
            return e.readOnly() ? f | Nbd.TFLAG_READ_ONLY
                    : f | Nbd.TFLAG_SEND_TRIM | Nbd.TFLAG_SEND_WRITE_ZEROES;
        }

        /** base:allocation is the one metadata context: holes and zeros where no object is allocated. */
        private void metaContext(int option, ByteBuffer data) {
            if (!structured) {
                optionReply(option, Nbd.REP_ERR_INVALID, text("structured replies first"));
                return;
            }
            try {
                int nameLength = data.getInt();
                data.position(data.position() + nameLength);
                int queries = data.getInt();
                boolean wantsAllocation = false;
                List<String> asked = new ArrayList<>();
                for (int i = 0; i < queries; i++) {
                    int len = data.getInt();
                    String q = decode(data, len);
                    asked.add(q);
                    wantsAllocation |= q.equals(Nbd.BASE_ALLOCATION) || (option == Nbd.OPT_LIST_META_CONTEXT
                            && (q.equals("base:") || q.isEmpty()));
                }
                if (queries == 0 && option == Nbd.OPT_LIST_META_CONTEXT) {
                    wantsAllocation = true;
                }
                if (data.hasRemaining()) {
                    optionReply(option, Nbd.REP_ERR_INVALID, text("trailing bytes"));
                    return;
                }
                if (wantsAllocation) {
                    byte[] n = Nbd.BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
                    ByteBuffer b = ByteBuffer.allocate(4 + n.length);
                    b.putInt(Nbd.META_CONTEXT_ID).put(n);
                    optionReply(option, Nbd.REP_META_CONTEXT, ByteString.fromArrayUnsafe(b.array()));
                }
                if (option == Nbd.OPT_SET_META_CONTEXT) {
                    allocationContext = wantsAllocation;
                }
                optionReply(option, Nbd.REP_ACK, ByteString.emptyByteString());
            } catch (RuntimeException malformed) {
                optionReply(option, Nbd.REP_ERR_INVALID, text("malformed meta context option"));
            }
        }

        private void optionReply(int option, int type, ByteString data) {
            ByteBuffer b = ByteBuffer.allocate(20);
            b.putLong(Nbd.REPLY_MAGIC).putInt(option).putInt(type).putInt(data.size());
            replies.add(ByteString.fromArrayUnsafe(b.array()).concat(data));
            flushReplies();
        }

        // ------------------------------------------------------------------------------------------------------
        // transmission

        private boolean request() {
            if (buffer.size() < REQUEST_HEADER || inFlight >= MAX_IN_FLIGHT || bytesInFlight >= maxBytesInFlight) {
                return false;
            }
            ByteBuffer h = buffer.take(REQUEST_HEADER).asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            if (h.getInt(0) != Nbd.REQUEST_MAGIC) {
                fail("bad request magic");
                return false;
            }
            int flags = h.getShort(4) & 0xffff;
            int type = h.getShort(6) & 0xffff;
            long handle = h.getLong(8);
            long offset = h.getLong(16);
            long length = h.getInt(24) & 0xffffffffL;
            if (type == Nbd.CMD_WRITE) {
                if (length > maxPayload) {
                    log.warn("NBD client {}: write of {} bytes, closing", peer, length);
                    fail("write larger than the maximum");
                    return false;
                }
                if (buffer.size() < REQUEST_HEADER + length) {
                    return false;
                }
            }
            buffer = buffer.drop(REQUEST_HEADER);
            ByteString payload = ByteString.emptyByteString();
            if (type == Nbd.CMD_WRITE) {
                payload = buffer.take((int) length);
                buffer = buffer.drop((int) length);
            }
            if (type == Nbd.CMD_DISC) {
                upstreamDone = true;
                return false;
            }
            run(type, flags, handle, offset, length, payload);
            return true;
        }

        private void run(int type, int flags, long handle, long offset, long length, ByteString payload) {
            Exports.Export e = export;
            long size = e.handle.size();
            boolean write = type == Nbd.CMD_WRITE || type == Nbd.CMD_TRIM || type == Nbd.CMD_WRITE_ZEROES;
            if (write && e.readOnly()) {
                error(handle, Nbd.EPERM, "read-only export");
                return;
            }
            boolean ranged = type != Nbd.CMD_FLUSH;
            if (ranged && (offset < 0 || offset > size || length > size - offset)) {
                error(handle, write ? Nbd.ENOSPC : Nbd.EINVAL, "beyond the end of the export");
                return;
            }
            if (type == Nbd.CMD_READ && length > maxPayload) {
                error(handle, Nbd.EINVAL, "read larger than the maximum");
                return;
            }
            CompletionStage<ByteString> work;
            switch (type) {
                case Nbd.CMD_READ -> work = e.handle.read(offset, (int) length);
                case Nbd.CMD_WRITE -> work = e.handle.write(offset, payload, (flags & Nbd.CMD_FLAG_FUA) != 0)
                        .thenCompose(v -> fua(e, flags));
                case Nbd.CMD_FLUSH -> work = e.handle.flush().thenApply(v -> ByteString.emptyByteString());
                case Nbd.CMD_TRIM -> work = e.handle.discard(offset, length).thenCompose(v -> fua(e, flags));
                case Nbd.CMD_WRITE_ZEROES -> work = writeZeroes(e, offset, length, flags)
                        .thenCompose(v -> fua(e, flags));
                case Nbd.CMD_BLOCK_STATUS -> {
                    if (!allocationContext) {
                        error(handle, Nbd.EINVAL, "no metadata context was negotiated");
                        return;
                    }
                    blockStatus(handle, e, offset, length);
                    return;
                }
                default -> {
                    error(handle, Nbd.EINVAL, "unknown command " + type);
                    return;
                }
            }
            long cost = type == Nbd.CMD_READ || type == Nbd.CMD_WRITE ? length : 0;
            inFlight++;
            bytesInFlight += cost;
            whenDone(work, (data, err) -> {
                inFlight--;
                bytesInFlight -= cost;
                if (err != null) {
                    error(handle, errno(err), err.getMessage());
                } else if (type == Nbd.CMD_READ) {
                    readReply(handle, offset, data);
                } else {
                    done(handle);
                }
                process();
            });
        }

        /** FUA on a write that was not durable by itself: a flush of the export makes it so. */
        private CompletionStage<ByteString> fua(Exports.Export e, int flags) {
            if ((flags & Nbd.CMD_FLAG_FUA) == 0) {
                return CompletableFuture.completedFuture(ByteString.emptyByteString());
            }
            return e.handle.flush().thenApply(v -> ByteString.emptyByteString());
        }

        /** Whole objects are discarded (they read as zeros) unless NO_HOLE; the rest is written with zeros. */
        private CompletionStage<Void> writeZeroes(Exports.Export e, long offset, long length, int flags) {
            long objSize = e.handle.objectSize();
            boolean holes = (flags & Nbd.CMD_FLAG_NO_HOLE) == 0;
            long firstWhole = (offset + objSize - 1) / objSize * objSize;
            long endWhole = (offset + length) / objSize * objSize;
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            if (holes && endWhole > firstWhole) {
                parts.add(e.handle.discard(firstWhole, endWhole - firstWhole).toCompletableFuture());
                zeros(e, offset, firstWhole - offset, parts);
                zeros(e, endWhole, offset + length - endWhole, parts);
            } else {
                zeros(e, offset, length, parts);
            }
            return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]));
        }

        private void zeros(Exports.Export e, long offset, long length, List<CompletableFuture<Void>> parts) {
            long chunk = 1 << 20;
            for (long at = offset; at < offset + length; at += chunk) {
                int n = (int) Math.min(chunk, offset + length - at);
                parts.add(e.handle.write(at, ByteString.fromArrayUnsafe(new byte[n]), false).toCompletableFuture());
            }
        }

        /** base:allocation from the inode's index: an object no one allocated is a hole that reads as zeros. */
        private void blockStatus(long handle, Exports.Export e, long offset, long length) {
            long objSize = e.handle.objectSize();
            List<long[]> extents = new ArrayList<>();
            long at = offset;
            long end = offset + length;
            while (at < end) {
                long idx = at / objSize;
                long next = Math.min(end, (idx + 1) * objSize);
                int state = e.handle.indexEntry(idx) == 0 ? Nbd.STATE_HOLE | Nbd.STATE_ZERO : 0;
                if (!extents.isEmpty() && extents.get(extents.size() - 1)[1] == state
                        && extents.get(extents.size() - 1)[0] + (next - at) <= 0xffffffffL) {
                    extents.get(extents.size() - 1)[0] += next - at;
                } else {
                    extents.add(new long[] {next - at, state});
                }
                at = next;
            }
            ByteBuffer b = ByteBuffer.allocate(4 + extents.size() * 8);
            b.putInt(Nbd.META_CONTEXT_ID);
            for (long[] x : extents) {
                b.putInt((int) x[0]).putInt((int) x[1]);
            }
            structuredChunk(handle, Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_BLOCK_STATUS,
                    ByteString.fromArrayUnsafe(b.array()));
        }

        private void readReply(long handle, long offset, ByteString data) {
            if (structured) {
                ByteBuffer o = ByteBuffer.allocate(8);
                o.putLong(offset);
                structuredChunk(handle, Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_OFFSET_DATA,
                        ByteString.fromArrayUnsafe(o.array()).concat(data));
            } else {
                simpleReply(handle, 0, data);
            }
        }

        private void done(long handle) {
            if (structured) {
                structuredChunk(handle, Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_NONE, ByteString.emptyByteString());
            } else {
                simpleReply(handle, 0, ByteString.emptyByteString());
            }
        }

        private void error(long handle, int errno, String message) {
            if (structured) {
                byte[] m = String.valueOf(message).getBytes(StandardCharsets.UTF_8);
                int len = Math.min(m.length, 4096);
                ByteBuffer b = ByteBuffer.allocate(6 + len);
                b.putInt(errno).putShort((short) len).put(m, 0, len);
                structuredChunk(handle, Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_ERROR,
                        ByteString.fromArrayUnsafe(b.array()));
            } else {
                simpleReply(handle, errno, ByteString.emptyByteString());
            }
        }

        private void simpleReply(long handle, int errno, ByteString data) {
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(errno).putLong(handle);
            replies.add(ByteString.fromArrayUnsafe(b.array()).concat(data));
            flushReplies();
        }

        private void structuredChunk(long handle, int flags, int type, ByteString payload) {
            ByteBuffer b = ByteBuffer.allocate(20);
            b.putInt(Nbd.STRUCTURED_REPLY_MAGIC).putShort((short) flags).putShort((short) type).putLong(handle)
                    .putInt(payload.size());
            replies.add(ByteString.fromArrayUnsafe(b.array()).concat(payload));
            flushReplies();
        }

        private int errno(Throwable t) {
            int result = SheepdogException.resultOf(t);
            return switch (result) {
                case ResultCode.NO_SPACE -> Nbd.ENOSPC;
                case ResultCode.READONLY -> Nbd.EPERM;
                case ResultCode.INVALID_PARMS -> Nbd.EINVAL;
                case ResultCode.SHUTDOWN -> Nbd.ESHUTDOWN;
                default -> Nbd.EIO;
            };
        }

        // ------------------------------------------------------------------------------------------------------

        private void reply(ByteBuffer b) {
            replies.add(ByteString.fromArrayUnsafe(b.array()));
            flushReplies();
        }

        private void flushReplies() {
            if (isAvailable(out) && !replies.isEmpty()) {
                ByteString all = ByteString.emptyByteString();
                while (!replies.isEmpty()) {
                    all = all.concat(replies.poll());
                }
                push(out, all);
            }
            if (phase == Phase.CLOSING && replies.isEmpty() && inFlight == 0) {
                completeStage();
            }
        }

        private void fail(String why) {
            phase = Phase.CLOSING;
            failStage(new IllegalStateException(why));
        }

        private ByteBuffer take(int n) {
            ByteBuffer b = buffer.take(n).toByteBuffer().order(ByteOrder.BIG_ENDIAN);
            buffer = buffer.drop(n);
            return b;
        }

        private String decode(ByteBuffer data, int length) {
            byte[] b = new byte[length];
            data.get(b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    private static ByteString text(String s) {
        return ByteString.fromArrayUnsafe(s.getBytes(StandardCharsets.UTF_8));
    }
}
