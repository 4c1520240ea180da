import HTTP1

extension APIRoutes {
    /// POST /grade (scope `grade`, or `grade:hidden` for hidden feedback: `GradeEndpoint.authorize`),
    /// /explain and /gradcheck, all on the compute lane.
    static func gradingRoutes(_ configuration: APIConfiguration) -> [Route] {
        [
            Route(.post, "/grade", lane: .compute) { request, context in
                GradeEndpoint.grade(request, context, configuration)
            }.requiring(.grade, .gradeHidden),
            Route(.post, "/explain", lane: .compute) { request, context in
                ExplainEndpoint.explain(request, context, configuration)
            }.requiring(.explain),
            Route(.post, "/gradcheck", lane: .compute) { request, context in
                GradcheckEndpoint.gradcheck(request, context, configuration)
            }.requiring(.gradcheck),
        ]
    }
}
