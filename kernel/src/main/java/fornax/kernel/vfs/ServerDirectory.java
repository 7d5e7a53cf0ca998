package fornax.kernel.vfs;

/**
 * A device that names other servers (Plan 9's #s, the /srv registry): nsctl's
 * {@code mount '#s/NAME' /where} mounts the server it calls NAME. The fault supervisor's tree is one.
 */
public interface ServerDirectory {
    /** The server called {@code name}; ENOENT if there is none. */
    FileServer server(String name);
}
