package org.sheepdogj.protocol;

/** The {@code proto_ver} byte: what QEMU, dog and peers send, and which the original sheep accepts. */
public final class ProtocolVersion {
    /** QEMU's {@code SD_PROTO_VER}; QEMU sends 0 on most requests. */
    public static final int QEMU = 0x01;
    /** dog's {@code SD_PROTO_VER}. */
    public static final int DOG = 0x02;
    /** {@code SD_SHEEP_PROTO_VER}, required for internal opcodes. */
    public static final int SHEEP = 0x0a;

    private ProtocolVersion() {
    }

    /** As {@code queue_request()}: internal opcodes need exactly SHEEP; public ones accept 0 to DOG. */
    public static boolean accepts(int opcode, int protoVer) {
        if (Opcode.isInternal(opcode)) {
            return protoVer == SHEEP;
        }
        return protoVer <= DOG;
    }

    /** The version dog puts on a request ({@code sd_init_req}). */
    public static int forOpcode(int opcode) {
        return Opcode.isInternal(opcode) ? SHEEP : DOG;
    }
}
