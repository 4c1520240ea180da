import ArgumentParser

/// `gradclient`: the command-line client of the ConvGrad server, over libcurl.
///
/// Exit status: 0 on a 2xx response, 1 on an HTTP error status (the error on stderr), 2 when the
/// server cannot be reached, 3 when it stops answering (timeout or a broken response), 64 on bad usage.
@main
struct GradClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradclient",
        abstract: "Send a problem to a ConvGrad server and print its JSON answer.",
        discussion: """
            The request body comes from FILE, or from standard input when FILE is - or absent.
            Exit status: 0 on 2xx, 1 on an HTTP error (its message on stderr), 2 when the server \
            cannot be reached, 3 on a timeout or broken response, 64 on bad usage.
            """,
        subcommands: [Forward.self, Backward.self, Grade.self, Explain.self, Gradcheck.self, Health.self])
}

struct Forward: EndpointCommand {
    static let configuration = CommandConfiguration(abstract: "POST /forward: the output and the loss.")
    static let path = "/forward"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var input: BodyInput
}

struct Backward: EndpointCommand {
    static let configuration = CommandConfiguration(abstract: "POST /backward: output, loss and every gradient.")
    static let path = "/backward"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var input: BodyInput
}

struct Grade: EndpointCommand {
    static let configuration = CommandConfiguration(abstract: "POST /grade: grade submitted gradients.")
    static let path = "/grade"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var input: BodyInput
}

struct Explain: EndpointCommand {
    static let configuration = CommandConfiguration(abstract: "POST /explain: the chain rule for one gradient element.")
    static let path = "/explain"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var input: BodyInput
}

struct Gradcheck: EndpointCommand {
    static let configuration = CommandConfiguration(
        abstract: "POST /gradcheck: analytic vs central-difference gradients.")
    static let path = "/gradcheck"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var input: BodyInput
}

struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "GET /healthz: whether the server is alive.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try exchange(.get("/healthz"), connection: connection)
    }
}
