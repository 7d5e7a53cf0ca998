package fornax.machine.cpu;

/**
 * Thrown inside the interpreter when an instruction traps; caught by {@link Hart#run} and turned
 * into a {@link fornax.machine.Trap}. Stackless and reused per hart: traps are control flow here.
 */
final class TrapException extends RuntimeException {
    long cause;
    long tval;

    TrapException() { super(null, null, false, false); }

    TrapException set(long cause, long tval) {
        this.cause = cause;
        this.tval = tval;
        return this;
    }
}
