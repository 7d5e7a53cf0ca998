package fornax.kernel.sup;

import fornax.kernel.ninep.transport.Transport;
import java.util.function.Consumer;

/**
 * How to start one instance of a supervised server. The supervisor calls {@link #launch} for the
 * first start and for every restart; each call makes a fresh instance that shares nothing with the
 * ones before (a new kernel task with a new server object, or a new guest process).
 */
public interface Launcher {
    /**
     * Starts an instance and returns the client's end of its 9P connection.
     *
     * @param failed to be called (any number of times, from any thread) when the instance fails
     *               on its own: a process exit, an exception in a kernel server; the reason is
     *               logged and shown in the status file
     */
    Instance launch(Consumer<String> failed);

    /** For the status file: "kernel task tmpfs", "/bin/ramfs9p -v". */
    String describe();

    /** A running instance. */
    interface Instance {
        /** The client's end of the connection to this instance. */
        Transport transport();

        /** Stops the instance for good (it failed, or the service is stopped). Idempotent. */
        void kill();

        /** For the status file: "pid 17", "task srv-cons". */
        String where();

        /**
         * Fault injection for tests and demonstrations (the control file's crash/hang/kill):
         * "crash" makes the next request fail inside the server as a bug would, "hang" makes it
         * never answer, "kill" ends the instance abruptly (SIGKILL for a process). EINVAL for a
         * fault the instance cannot have.
         */
        void inject(String fault);

        /**
         * The best account of a failure first seen as {@code reason}: a server process's end of
         * connection is better told as its exit ("process 9 killed by SIGKILL"). May wait briefly
         * for the instance to finish dying; never holds a lock.
         */
        default String explain(String reason) { return reason; }
    }
}
