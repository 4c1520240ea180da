import HTTP1

extension APIRoutes {
    /// POST /grade, /explain and /gradcheck, all on the compute lane.
    static func gradingRoutes(_ configuration: APIConfiguration) -> [Route] {
        [
            Route("POST", "/grade", lane: .compute) { request, context in
                GradeEndpoint.grade(request, context, configuration)
            },
            Route("POST", "/explain", lane: .compute) { request, context in
                ExplainEndpoint.explain(request, context, configuration)
            },
            Route("POST", "/gradcheck", lane: .compute) { request, context in
                GradcheckEndpoint.gradcheck(request, context, configuration)
            },
        ]
    }
}
