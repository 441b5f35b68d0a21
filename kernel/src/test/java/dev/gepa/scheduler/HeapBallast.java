package dev.gepa.scheduler;

/**
 * Fills the heap for the out-of-memory probes ({@link OutOfMemoryProbe},
 * {@link GroupOutOfMemoryProbe}, {@code internal.InboxOutOfMemoryProbe}), each run in a JVM of its
 * own with a small heap, serial collection and no TLABs, so that "bytes left free" means what it
 * says.
 */
public final class HeapBallast {
    /** Piece sizes, largest first: few sizes, so that a fill meets few collections. */
    private static final int[] PIECES = {1 << 20, 1 << 12, 1 << 8, 16};

    private HeapBallast() { }

    /**
     * Fills the heap with pieces of ballast until nothing more fits, then drops the last pieces
     * until about {@code leave} bytes are free.
     *
     * @return the slots of {@code ballast} used: null them to give the heap back
     */
    public static int fill(Object[] ballast, int leave) {
        int n = 0;
        for (int size : PIECES) {
            try {
                while (n < ballast.length) {
                    ballast[n] = new byte[size];
                    n++;
                }
            } catch (OutOfMemoryError full) {
                // this size no longer fits: go smaller
            }
        }
        int freed = 0;
        while (n > 0 && freed < leave) {
            freed += ((byte[]) ballast[--n]).length + 16;
            ballast[n] = null;
        }
        return n;
    }
}
