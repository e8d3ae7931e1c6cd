package org.sheepdogj.client;

import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ResultCode;

/** A request answered with an error: the result code and what was asked. */
public final class SheepdogException extends RuntimeException {
    private final int result;

    public SheepdogException(int opcode, int result) {
        super(Opcode.name(opcode) + ": " + ResultCode.describe(result));
        this.result = result;
    }

    public int result() {
        return result;
    }

    /** The result code carried by {@code t} or one of its causes; -1 if none. */
    public static int resultOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SheepdogException s) {
                return s.result();
            }
        }
        return -1;
    }
}
