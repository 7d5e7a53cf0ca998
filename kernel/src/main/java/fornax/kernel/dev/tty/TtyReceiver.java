package fornax.kernel.dev.tty;

import fornax.kernel.dev.UartDriver;

/**
 * The console's receive side: a kernel thread that drains the UART into the terminal as bytes
 * arrive, so that ^C reaches the foreground group whether or not anyone is reading (a reader
 * pulling from the UART would only see it when it next reads). It ends when the line hangs up
 * (the terminal is then hung up) or when interrupted ({@link #stop}, at shutdown).
 */
public final class TtyReceiver {
    private final Thread thread;

    private TtyReceiver(Thread thread) {
        this.thread = thread;
    }

    /** Starts receiving from {@code uart} into {@code tty}. */
    public static TtyReceiver start(UartDriver uart, Tty tty) {
        return new TtyReceiver(Thread.ofPlatform().daemon().name("console-rx").start(() -> run(uart, tty)));
    }

    private static void run(UartDriver uart, Tty tty) {
        byte[] buf = new byte[256];
        try {
            for (;;) {
                int n = uart.receive(buf, 0, buf.length);
                if (n == 0) {
                    tty.hangUp();
                    return;
                }
                tty.receive(buf, 0, n);
            }
        } catch (InterruptedException e) {
            // shutdown
        }
    }

    /** Stops the thread and waits for it (bounded: it only waits in the UART). */
    public void stop() {
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
