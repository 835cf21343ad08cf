package dev.zmkagent.agent.service;

import java.nio.file.Path;
import java.util.List;

/**
 * A Task Scheduler task with a logon trigger for this user ({@code schtasks /Create /XML}), run with the user's
 * limited rights in the interactive session so toasts and the tray reach the desktop. The task XML is kept in
 * {@code %LOCALAPPDATA%\zmk-agent}.
 */
public final class WindowsLogonTask extends LoginService {
    public static final String TASK = "zmk-agent watch";
    private final Path localAppData;
    private final String user;

    public WindowsLogonTask(Path localAppData, String user, CommandRunner runner) {
        super(runner);
        this.localAppData = localAppData;
        this.user = user;
    }

    @Override
    public String kind() {
        return "Task Scheduler logon task";
    }

    @Override
    public Path file() {
        return localAppData.resolve("zmk-agent").resolve("zmk-agent-watch-task.xml");
    }

    @Override
    public String definition(List<String> command) {
        StringBuilder args = new StringBuilder();
        for (String a : command.subList(1, command.size())) {
            if (args.length() > 0) {
                args.append(' ');
            }
            args.append(a.matches("[^\\s\"]+") ? a : "\"" + a.replace("\"", "\\\"") + "\"");
        }
        String u = LaunchdAgent.xml(user);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!-- Written by zmk-agent watch (its install-service option). -->\n"
                + "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
                + "  <RegistrationInfo><Description>zmk-agent: capture ZMK keyboard crash dumps from the UF2 bootloader drive</Description></RegistrationInfo>\n"
                + "  <Triggers><LogonTrigger><Enabled>true</Enabled><UserId>" + u + "</UserId></LogonTrigger></Triggers>\n"
                + "  <Principals><Principal id=\"Author\"><UserId>" + u + "</UserId><LogonType>InteractiveToken</LogonType>"
                + "<RunLevel>LeastPrivilege</RunLevel></Principal></Principals>\n"
                + "  <Settings><MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy><DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>"
                + "<StopIfGoingOnBatteries>false</StopIfGoingOnBatteries><ExecutionTimeLimit>PT0S</ExecutionTimeLimit>"
                + "<RestartOnFailure><Interval>PT1M</Interval><Count>3</Count></RestartOnFailure></Settings>\n"
                + "  <Actions Context=\"Author\"><Exec><Command>" + LaunchdAgent.xml(command.get(0)) + "</Command>"
                + "<Arguments>" + LaunchdAgent.xml(args.toString()) + "</Arguments></Exec></Actions>\n"
                + "</Task>\n";
    }

    @Override
    protected List<List<String>> registration() {
        return List.of(List.of("schtasks", "/Create", "/TN", TASK, "/XML", file().toString(), "/F"),
                List.of("schtasks", "/Run", "/TN", TASK));
    }

    @Override
    protected String whenDone() {
        return "zmk-agent watch now runs at every logon (Task Scheduler: \"" + TASK + "\")";
    }
}
