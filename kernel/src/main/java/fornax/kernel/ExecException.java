package fornax.kernel;

/**
 * The launcher could not start a program: the host file is missing, unreadable, not a riscv64 ELF,
 * or malformed. The message is one line meant for the user.
 */
public final class ExecException extends Exception {
    public ExecException(String message) { super(message); }
}
