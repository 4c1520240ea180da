import ArgumentParser
import GradAPI
import HTTP1

/// The API's flags (GradAPI's `APIConfiguration`). This is the place for new API options: add an
/// `@Option` here and copy it into the configuration in `routes()`.
struct APIOptions: ParsableArguments {
    @Option(
        name: .customLong("max-tensor-elements"),
        help: "Largest tensor a request may write (413 above). Env GRADSERVER_MAX_TENSOR_ELEMENTS.")
    var maxTensorElements: Int = env("MAX_TENSOR_ELEMENTS").flatMap(Int.init) ?? APIConfiguration().maxTensorElements
    @Option(
        name: .customLong("max-work"),
        help: "Largest estimated multiply-adds of one problem (413 above). Env GRADSERVER_MAX_WORK.")
    var maxWork: Double = env("MAX_WORK").flatMap(Double.init) ?? APIConfiguration().maxWork
    @Option(
        name: .customLong("max-gradcheck-work"),
        help:
            "Largest /gradcheck work, 2 forward passes per gradient element, in multiply-adds (413 above). Env GRADSERVER_MAX_GRADCHECK_WORK."
    )
    var maxGradcheckWork: Double = env("MAX_GRADCHECK_WORK").flatMap(Double.init) ?? APIConfiguration().maxGradcheckWork
    @Option(
        name: .customLong("max-explain-terms"),
        help: "Most terms one /explain answer lists (413 above). Env GRADSERVER_MAX_EXPLAIN_TERMS.")
    var maxExplainTerms: Int = env("MAX_EXPLAIN_TERMS").flatMap(Int.init) ?? APIConfiguration().maxExplainTerms
    @Option(
        name: .customLong("diagnosis-seconds"),
        help:
            "Most seconds /grade searches for one failing tensor's diagnosis (none past it). Env GRADSERVER_DIAGNOSIS_SECONDS."
    )
    var diagnosisSeconds: Double =
        env("DIAGNOSIS_SECONDS").flatMap(Double.init) ?? APIConfiguration().diagnosisBudget.maxSeconds

    func routes() -> [Route] {
        var configuration = APIConfiguration()
        configuration.maxTensorElements = maxTensorElements
        configuration.maxWork = maxWork
        configuration.maxGradcheckWork = maxGradcheckWork
        configuration.maxExplainTerms = maxExplainTerms
        configuration.diagnosisBudget.maxSeconds = diagnosisSeconds
        return APIRoutes.all(configuration)
    }
}
