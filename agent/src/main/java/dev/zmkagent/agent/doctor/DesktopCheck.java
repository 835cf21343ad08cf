package dev.zmkagent.agent.doctor;

import java.util.List;

/** One desktop-side check of `zmk-agent doctor`: reads the machine only through {@link Machine}, so tests use fake roots. */
public interface DesktopCheck {
    List<Finding> check(Machine machine);
}
