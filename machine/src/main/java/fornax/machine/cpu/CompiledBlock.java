package fornax.machine.cpu;

/**
 * A region of guest code translated to JVM bytecode by {@link BlockCompiler}. {@link #run}
 * executes the whole block against the hart's registers and returns the next pc. A block that
 * traps part-way has set {@code hart.pc} to the trapping instruction and written back every
 * register an earlier instruction changed, so the trap is precise.
 */
abstract class CompiledBlock {
    /** Guest instructions in the block. */
    final int length;

    protected CompiledBlock(int length) { this.length = length; }

    /**
     * Runs from the instruction at slot {@code entry} (one of the region's entry points) of the
     * page mapped at virtual address {@code base}.
     */
    abstract long run(Hart h, long[] x, long[] f, int entry, long base);
}
