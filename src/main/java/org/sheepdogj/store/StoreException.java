package org.sheepdogj.store;

import org.sheepdogj.protocol.ResultCode;

/** A store failure with the sheepdog result code a client should see for it. */
public class StoreException extends RuntimeException {
    private final int result;

    public StoreException(int result, String message) {
        super(message);
        this.result = result;
    }

    public StoreException(int result, String message, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    public int result() {
        return result;
    }

    public static StoreException noObject(long oid) {
        return new StoreException(ResultCode.NO_OBJ, String.format("no object %016x", oid));
    }

    /** Maps an I/O failure: a full disk is NO_SPACE, anything else EIO. */
    public static StoreException of(String what, java.io.IOException e) {
        String msg = String.valueOf(e.getMessage());
        int code = msg.contains("No space left") || msg.contains("Disk quota") ? ResultCode.NO_SPACE : ResultCode.EIO;
        return new StoreException(code, what + ": " + e, e);
    }
}
