package io.runnel.video.mkv;

/** Bytes that are not the Matroska a producer should send, or a fragment beyond what Runnel takes. */
public final class MkvException extends RuntimeException {

    public enum Reason { INVALID_DATA, FRAGMENT_TOO_LARGE }

    private final Reason reason;

    public MkvException(String message) {
        this(Reason.INVALID_DATA, message);
    }

    public MkvException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
