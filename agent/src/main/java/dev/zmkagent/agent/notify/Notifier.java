package dev.zmkagent.agent.notify;

/** Shows notifications; implementations never throw (a lost notification must not stop the watch). */
public interface Notifier extends AutoCloseable {
    /** Shows it; returns false when it could not be delivered. */
    boolean notify(Notification n);

    String describe();

    @Override
    default void close() {
    }

    Notifier NONE = new Notifier() {
        @Override
        public boolean notify(Notification n) {
            return true;
        }

        @Override
        public String describe() {
            return "notifications off";
        }
    };
}
