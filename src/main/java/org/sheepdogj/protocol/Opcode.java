package org.sheepdogj.protocol;

/**
 * Opcodes of sheepdog 1.0 ({@code include/sheepdog_proto.h} below 0x80, {@code include/internal_proto.h} from 0x80).
 * Opcodes at or above {@link #FIRST_INTERNAL} must carry {@link ProtocolVersion#SHEEP}.
 */
public final class Opcode {
    public static final int CREATE_AND_WRITE_OBJ = 0x01;
    public static final int READ_OBJ = 0x02;
    public static final int WRITE_OBJ = 0x03;
    public static final int REMOVE_OBJ = 0x04;
    public static final int DISCARD_OBJ = 0x05;
    public static final int NEW_VDI = 0x11;
    public static final int LOCK_VDI = 0x12;
    public static final int RELEASE_VDI = 0x13;
    public static final int GET_VDI_INFO = 0x14;
    public static final int READ_VDIS = 0x15;
    public static final int FLUSH_VDI = 0x16;
    public static final int DEL_VDI = 0x17;
    public static final int GET_CLUSTER_DEFAULT = 0x18;

    public static final int FIRST_INTERNAL = 0x80;
    public static final int GET_NODE_LIST = 0x82;
    public static final int MAKE_FS = 0x84;
    public static final int SHUTDOWN = 0x85;
    public static final int STAT_SHEEP = 0x86;
    public static final int STAT_CLUSTER = 0x87;
    public static final int GET_VDI_ATTR = 0x89;
    public static final int FORCE_RECOVER = 0x8a;
    public static final int GET_STORE_LIST = 0x90;
    public static final int CLEANUP = 0x94;
    public static final int TRACE_STATUS = 0x95;
    public static final int TRACE_READ_BUF = 0x96;
    public static final int STAT_RECOVERY = 0x97;
    public static final int FLUSH_DEL_CACHE = 0x98;
    public static final int NOTIFY_VDI_DEL = 0x99;
    public static final int KILL_NODE = 0x9a;
    public static final int TRACE_ENABLE = 0x9b;
    public static final int TRACE_DISABLE = 0x9c;
    public static final int GET_OBJ_LIST = 0xa1;
    public static final int GET_EPOCH = 0xa2;
    public static final int CREATE_AND_WRITE_PEER = 0xa3;
    public static final int READ_PEER = 0xa4;
    public static final int WRITE_PEER = 0xa5;
    public static final int REMOVE_PEER = 0xa6;
    public static final int ENABLE_RECOVER = 0xa8;
    public static final int DISABLE_RECOVER = 0xa9;
    public static final int GET_VDI_COPIES = 0xab;
    public static final int COMPLETE_RECOVERY = 0xac;
    public static final int FLUSH_NODES = 0xad;
    /** Makes a node's unsynced writes of one VDI durable (obsolete in sheep 1.0; sheepdog-j's flush). */
    public static final int FLUSH_PEER = 0xae;
    public static final int NOTIFY_VDI_ADD = 0xaf;
    public static final int DELETE_CACHE = 0xb0;
    public static final int MD_INFO = 0xb1;
    public static final int MD_PLUG = 0xb2;
    public static final int MD_UNPLUG = 0xb3;
    public static final int GET_HASH = 0xb4;
    public static final int REWEIGHT = 0xb5;
    /** The object cache's state (sheep 0.x; obsolete in 1.0, served again by sheepdog-j). */
    public static final int GET_CACHE_INFO = 0xb6;
    public static final int CACHE_PURGE = 0xb7;
    public static final int STAT = 0xb8;
    public static final int GET_LOGLEVEL = 0xb9;
    public static final int SET_LOGLEVEL = 0xba;
    public static final int EXIST = 0xbd;
    public static final int CLUSTER_INFO = 0xbe;
    public static final int ALTER_CLUSTER_COPY = 0xbf;
    public static final int ALTER_VDI_COPY = 0xc0;
    public static final int DECREF_OBJ = 0xc1;
    public static final int DECREF_PEER = 0xc2;
    public static final int REPAIR_REPLICA = 0xc5;
    public static final int OIDS_EXIST = 0xc6;
    public static final int VDI_STATE_CHECKPOINT_CTL = 0xc7;
    public static final int INODE_COHERENCE = 0xc8;
    public static final int READ_DEL_VDIS = 0xc9;
    public static final int GET_RECOVERY = 0xca;
    public static final int SET_RECOVERY = 0xcb;
    public static final int SET_VNODES = 0xcc;
    public static final int GET_VNODES = 0xcd;

    private Opcode() {
    }

    /** True for the opcodes that need the sheep-internal protocol version. */
    public static boolean isInternal(int opcode) {
        return opcode >= FIRST_INTERNAL;
    }

    /** The peer opcode a gateway sends to a replica for a client's object opcode ({@code gateway_to_peer_opcode}). */
    public static int toPeer(int opcode) {
        return switch (opcode) {
            case CREATE_AND_WRITE_OBJ -> CREATE_AND_WRITE_PEER;
            case READ_OBJ -> READ_PEER;
            case WRITE_OBJ -> WRITE_PEER;
            case REMOVE_OBJ -> REMOVE_PEER;
            case DECREF_OBJ -> DECREF_PEER;
            default -> throw new IllegalArgumentException("no peer opcode for " + name(opcode));
        };
    }

    public static String name(int opcode) {
        return switch (opcode) {
            case CREATE_AND_WRITE_OBJ -> "CREATE_AND_WRITE_OBJ";
            case READ_OBJ -> "READ_OBJ";
            case WRITE_OBJ -> "WRITE_OBJ";
            case REMOVE_OBJ -> "REMOVE_OBJ";
            case DISCARD_OBJ -> "DISCARD_OBJ";
            case NEW_VDI -> "NEW_VDI";
            case LOCK_VDI -> "LOCK_VDI";
            case RELEASE_VDI -> "RELEASE_VDI";
            case GET_VDI_INFO -> "GET_VDI_INFO";
            case READ_VDIS -> "READ_VDIS";
            case FLUSH_VDI -> "FLUSH_VDI";
            case DEL_VDI -> "DEL_VDI";
            case GET_CLUSTER_DEFAULT -> "GET_CLUSTER_DEFAULT";
            case GET_NODE_LIST -> "GET_NODE_LIST";
            case MAKE_FS -> "MAKE_FS";
            case SHUTDOWN -> "SHUTDOWN";
            case STAT_SHEEP -> "STAT_SHEEP";
            case STAT_CLUSTER -> "STAT_CLUSTER";
            case GET_VDI_ATTR -> "GET_VDI_ATTR";
            case FORCE_RECOVER -> "FORCE_RECOVER";
            case GET_STORE_LIST -> "GET_STORE_LIST";
            case CLEANUP -> "CLEANUP";
            case TRACE_STATUS -> "TRACE_STATUS";
            case TRACE_READ_BUF -> "TRACE_READ_BUF";
            case STAT_RECOVERY -> "STAT_RECOVERY";
            case FLUSH_DEL_CACHE -> "FLUSH_DEL_CACHE";
            case NOTIFY_VDI_DEL -> "NOTIFY_VDI_DEL";
            case KILL_NODE -> "KILL_NODE";
            case TRACE_ENABLE -> "TRACE_ENABLE";
            case TRACE_DISABLE -> "TRACE_DISABLE";
            case GET_OBJ_LIST -> "GET_OBJ_LIST";
            case GET_EPOCH -> "GET_EPOCH";
            case CREATE_AND_WRITE_PEER -> "CREATE_AND_WRITE_PEER";
            case READ_PEER -> "READ_PEER";
            case WRITE_PEER -> "WRITE_PEER";
            case REMOVE_PEER -> "REMOVE_PEER";
            case ENABLE_RECOVER -> "ENABLE_RECOVER";
            case DISABLE_RECOVER -> "DISABLE_RECOVER";
            case GET_VDI_COPIES -> "GET_VDI_COPIES";
            case COMPLETE_RECOVERY -> "COMPLETE_RECOVERY";
            case FLUSH_NODES -> "FLUSH_NODES";
            case FLUSH_PEER -> "FLUSH_PEER";
            case NOTIFY_VDI_ADD -> "NOTIFY_VDI_ADD";
            case DELETE_CACHE -> "DELETE_CACHE";
            case MD_INFO -> "MD_INFO";
            case MD_PLUG -> "MD_PLUG";
            case MD_UNPLUG -> "MD_UNPLUG";
            case GET_HASH -> "GET_HASH";
            case REWEIGHT -> "REWEIGHT";
            case GET_CACHE_INFO -> "GET_CACHE_INFO";
            case CACHE_PURGE -> "CACHE_PURGE";
            case STAT -> "STAT";
            case GET_LOGLEVEL -> "GET_LOGLEVEL";
            case SET_LOGLEVEL -> "SET_LOGLEVEL";
            case EXIST -> "EXIST";
            case CLUSTER_INFO -> "CLUSTER_INFO";
            case ALTER_CLUSTER_COPY -> "ALTER_CLUSTER_COPY";
            case ALTER_VDI_COPY -> "ALTER_VDI_COPY";
            case DECREF_OBJ -> "DECREF_OBJ";
            case DECREF_PEER -> "DECREF_PEER";
            case REPAIR_REPLICA -> "REPAIR_REPLICA";
            case OIDS_EXIST -> "OIDS_EXIST";
            case VDI_STATE_CHECKPOINT_CTL -> "VDI_STATE_CHECKPOINT_CTL";
            case INODE_COHERENCE -> "INODE_COHERENCE";
            case READ_DEL_VDIS -> "READ_DEL_VDIS";
            case GET_RECOVERY -> "GET_RECOVERY";
            case SET_RECOVERY -> "SET_RECOVERY";
            case SET_VNODES -> "SET_VNODES";
            case GET_VNODES -> "GET_VNODES";
            default -> String.format("0x%02x", opcode);
        };
    }
}
