package dev.zmkagent.agent.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records every command instead of running it, and answers with what the test says the platform would. */
public final class RecordingRunner implements CommandRunner {
    public final List<List<String>> commands = new ArrayList<>();
    private final Function<List<String>, Result> answer;

    public RecordingRunner(Function<List<String>, Result> answer) {
        this.answer = answer;
    }

    public static RecordingRunner succeeding() {
        return new RecordingRunner(c -> new Result(0, ""));
    }

    @Override
    public Result run(List<String> command) {
        commands.add(List.copyOf(command));
        return answer.apply(command);
    }
}
