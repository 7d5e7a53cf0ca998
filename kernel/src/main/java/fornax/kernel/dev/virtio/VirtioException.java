package fornax.kernel.dev.virtio;

/**
 * A virtio device did not behave: it is missing or refused the features, needs a reset, returned a
 * bad used element, or did not complete a request in time. The message names the device.
 */
public final class VirtioException extends Exception {
    public VirtioException(String message) { super(message); }
}
