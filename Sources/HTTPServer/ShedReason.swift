/// Why a compute request was answered 503 (`compute_shed_total{reason}`).
enum ShedReason: String, CaseIterable, Sendable {
    /// The compute pool's count bound (`capacity`) was reached.
    case queueFull = "queue_full"
    /// The expected queueing delay was over the target (ComputePool, AdmissionPolicy).
    case queueDelay = "queue_delay"
    /// The bodies arriving at once were over the upload budget (UploadBudget).
    case uploadBudget = "upload_budget"

    init(_ admission: Admission) {
        self = admission == .delayOverTarget ? .queueDelay : .queueFull
    }
}
