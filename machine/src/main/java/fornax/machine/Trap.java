package fornax.machine;

/**
 * Why a hart stopped running user code: the scause/stval/sepc triple of the privileged spec.
 *
 * @param cause scause value: exception code, with bit 63 set for interrupts
 * @param tval  stval: faulting address, or the raw instruction bits for an illegal instruction
 * @param pc    sepc: address of the instruction that trapped (or would have run next, for an interrupt)
 */
public record Trap(long cause, long tval, long pc) {
    public static final long INSTRUCTION_MISALIGNED = 0;
    public static final long INSTRUCTION_ACCESS_FAULT = 1;
    public static final long ILLEGAL_INSTRUCTION = 2;
    public static final long BREAKPOINT = 3;
    public static final long LOAD_MISALIGNED = 4;
    public static final long LOAD_ACCESS_FAULT = 5;
    public static final long STORE_MISALIGNED = 6;
    public static final long STORE_ACCESS_FAULT = 7;
    public static final long ECALL_FROM_U = 8;
    public static final long INSTRUCTION_PAGE_FAULT = 12;
    public static final long LOAD_PAGE_FAULT = 13;
    public static final long STORE_PAGE_FAULT = 15;

    public static final long INTERRUPT = 1L << 63;
    public static final long SOFTWARE_INTERRUPT = INTERRUPT | 1;
    public static final long TIMER_INTERRUPT = INTERRUPT | 5;
    public static final long EXTERNAL_INTERRUPT = INTERRUPT | 9;

    public boolean isInterrupt() { return cause < 0; }

    public boolean isPageFault() {
        return cause == INSTRUCTION_PAGE_FAULT || cause == LOAD_PAGE_FAULT || cause == STORE_PAGE_FAULT;
    }

    public String describe() {
        String what = switch ((int) cause) {
            case 0 -> "instruction address misaligned";
            case 1 -> "instruction access fault";
            case 2 -> "illegal instruction";
            case 3 -> "breakpoint";
            case 4 -> "load address misaligned";
            case 5 -> "load access fault";
            case 6 -> "store/AMO address misaligned";
            case 7 -> "store/AMO access fault";
            case 8 -> "environment call from U-mode";
            case 12 -> "instruction page fault";
            case 13 -> "load page fault";
            case 15 -> "store/AMO page fault";
            default -> "cause " + cause;
        };
        if (isInterrupt()) what = "interrupt " + (cause & 0xFF);
        return String.format("%s at pc=%#x tval=%#x", what, pc, tval);
    }
}
