package org.sheepdogj.protocol;

/** Response result codes ({@code SD_RES_*}) and the texts dog prints for them ({@code sd_strerror}). */
public final class ResultCode {
    public static final int SUCCESS = 0x00;
    public static final int UNKNOWN = 0x01;
    public static final int NO_OBJ = 0x02;
    public static final int EIO = 0x03;
    public static final int VDI_EXIST = 0x04;
    public static final int INVALID_PARMS = 0x05;
    public static final int SYSTEM_ERROR = 0x06;
    public static final int VDI_LOCKED = 0x07;
    public static final int NO_VDI = 0x08;
    public static final int NO_BASE_VDI = 0x09;
    public static final int VDI_READ = 0x0a;
    public static final int VDI_WRITE = 0x0b;
    public static final int BASE_VDI_READ = 0x0c;
    public static final int BASE_VDI_WRITE = 0x0d;
    public static final int NO_TAG = 0x0e;
    public static final int STARTUP = 0x0f;
    public static final int VDI_NOT_LOCKED = 0x10;
    public static final int SHUTDOWN = 0x11;
    public static final int NO_MEM = 0x12;
    public static final int FULL_VDI = 0x13;
    public static final int VER_MISMATCH = 0x14;
    public static final int NO_SPACE = 0x15;
    public static final int WAIT_FOR_FORMAT = 0x16;
    public static final int WAIT_FOR_JOIN = 0x17;
    public static final int JOIN_FAILED = 0x18;
    public static final int HALT = 0x19;
    public static final int READONLY = 0x1a;
    public static final int INODE_INVALIDATED = 0x1d;

    public static final int OLD_NODE_VER = 0x81;
    public static final int NEW_NODE_VER = 0x82;
    public static final int NOT_FORMATTED = 0x83;
    public static final int INVALID_CTIME = 0x84;
    public static final int INVALID_EPOCH = 0x85;
    public static final int NETWORK_ERROR = 0x86;
    public static final int NO_CACHE = 0x87;
    public static final int BUFFER_SMALL = 0x88;
    public static final int FORCE_RECOVER = 0x89;
    public static final int NO_STORE = 0x8a;
    public static final int NO_SUPPORT = 0x8b;
    public static final int NODE_IN_RECOVERY = 0x8c;
    public static final int KILLED = 0x8d;
    public static final int OID_EXIST = 0x8e;
    public static final int AGAIN = 0x8f;
    public static final int STALE_OBJ = 0x90;
    public static final int CLUSTER_ERROR = 0x91;
    public static final int VDI_NOT_EMPTY = 0x92;
    public static final int NOT_FOUND = 0x93;
    public static final int INCOMPLETE = 0x94;
    public static final int COLLECTING_CINFO = 0x95;
    public static final int GATEWAY_MODE = 0x97;
    public static final int INVALID_VNODES_STRATEGY = 0x98;
    public static final int NO_CHECKPOINT_ENTRY = 0x99;

    private ResultCode() {
    }

    /** The text of sheepdog's {@code sd_strerror()}, which dog prints in its error messages. */
    public static String describe(int code) {
        return switch (code) {
            case SUCCESS -> "Success";
            case UNKNOWN -> "Unknown error";
            case NO_OBJ -> "No object found";
            case EIO -> "I/O error";
            case VDI_EXIST -> "VDI exists already";
            case INVALID_PARMS -> "Invalid parameters";
            case SYSTEM_ERROR -> "System error";
            case VDI_LOCKED -> "VDI is already locked";
            case NO_VDI -> "No VDI found";
            case NO_BASE_VDI -> "No base VDI found";
            case VDI_READ -> "Failed to read from requested VDI";
            case VDI_WRITE -> "Failed to write to requested VDI";
            case BASE_VDI_READ -> "Failed to read from base VDI";
            case BASE_VDI_WRITE -> "Failed to write to base VDI";
            case NO_TAG -> "Failed to find requested tag";
            case STARTUP -> "System is still booting";
            case VDI_NOT_LOCKED -> "VDI is not locked";
            case SHUTDOWN -> "System is shutting down";
            case NO_MEM -> "Out of memory on server";
            case FULL_VDI -> "Maximum number of VDIs reached";
            case VER_MISMATCH -> "Protocol version mismatch";
            case NO_SPACE -> "Server has no space for new objects";
            case WAIT_FOR_FORMAT -> "Waiting for cluster to be formatted";
            case WAIT_FOR_JOIN -> "Waiting for other nodes to join cluster";
            case JOIN_FAILED -> "Node has failed to join cluster";
            case HALT -> "IO has halted as there are not enough living nodes";
            case READONLY -> "Object is read-only";
            case INODE_INVALIDATED -> "Inode object is invalidated";
            case INVALID_VNODES_STRATEGY -> "Invalid cluster vnodes strategy";
            case GATEWAY_MODE -> "Targeted node is gateway mode";
            case OLD_NODE_VER -> "Request has an old epoch";
            case NEW_NODE_VER -> "Request has a new epoch";
            case NOT_FORMATTED -> "Cluster has not been formatted";
            case INVALID_CTIME -> "Creation times differ";
            case INVALID_EPOCH -> "Invalid epoch";
            case NETWORK_ERROR -> "Network error between sheep";
            case NO_CACHE -> "No cache object found";
            case BUFFER_SMALL -> "The buffer is too small";
            case FORCE_RECOVER -> "Cluster is running/halted and cannot be force recovered";
            case NO_STORE -> "Targeted backend store is not found";
            case NO_SUPPORT -> "Operation is not supported";
            case NODE_IN_RECOVERY -> "Targeted node is in recovery";
            case KILLED -> "Node is killed";
            case OID_EXIST -> "Object ID exists already";
            case AGAIN -> "Ask to try again";
            case STALE_OBJ -> "Object may be stale";
            case CLUSTER_ERROR -> "Cluster driver error";
            default -> String.format("Invalid error code %x", code);
        };
    }

    /** A short symbolic name for logs. */
    public static String name(int code) {
        return switch (code) {
            case SUCCESS -> "SUCCESS";
            case NO_OBJ -> "NO_OBJ";
            case EIO -> "EIO";
            case VDI_EXIST -> "VDI_EXIST";
            case INVALID_PARMS -> "INVALID_PARMS";
            case SYSTEM_ERROR -> "SYSTEM_ERROR";
            case VDI_LOCKED -> "VDI_LOCKED";
            case NO_VDI -> "NO_VDI";
            case NO_TAG -> "NO_TAG";
            case SHUTDOWN -> "SHUTDOWN";
            case FULL_VDI -> "FULL_VDI";
            case VER_MISMATCH -> "VER_MISMATCH";
            case NO_SPACE -> "NO_SPACE";
            case WAIT_FOR_FORMAT -> "WAIT_FOR_FORMAT";
            case WAIT_FOR_JOIN -> "WAIT_FOR_JOIN";
            case HALT -> "HALT";
            case READONLY -> "READONLY";
            case OLD_NODE_VER -> "OLD_NODE_VER";
            case NEW_NODE_VER -> "NEW_NODE_VER";
            case NETWORK_ERROR -> "NETWORK_ERROR";
            case BUFFER_SMALL -> "BUFFER_SMALL";
            case NO_STORE -> "NO_STORE";
            case NO_SUPPORT -> "NO_SUPPORT";
            case KILLED -> "KILLED";
            default -> String.format("0x%02x", code);
        };
    }
}
