import Testing

@testable import HTTPServer

/// `CostModel`: expected seconds of compute by route and body size, learned from what ran.
@Suite struct CostModelTests {
    @Test func unseenClass_getsThePriorForItsSize() {
        let model = CostModel()
        #expect(model.estimate(route: "/backward", bodyBytes: 0) == CostModel.priorSeconds)
        #expect(model.estimate(route: "/backward", bodyBytes: 1_000_000) == CostModel.prior(1_000_000))
    }

    @Test func firstSample_isTheEstimate_thenAMovingMean() {
        let model = CostModel()
        let key = CostModel.key(route: "/grade", bodyBytes: 500_000)
        model.record(key, seconds: 0.2)
        #expect(model.estimate(route: "/grade", bodyBytes: 500_000) == 0.2)
        model.record(key, seconds: 0.1)
        #expect(abs(model.estimate(route: "/grade", bodyBytes: 500_000) - 0.18) < 1e-12)
    }

    @Test func sizeClasses_arePowersOfTwo_andRoutesApart() {
        #expect(CostModel.key(route: "/a", bodyBytes: 300) == CostModel.key(route: "/a", bodyBytes: 500))
        #expect(CostModel.key(route: "/a", bodyBytes: 300) != CostModel.key(route: "/a", bodyBytes: 600))
        #expect(CostModel.key(route: "/a", bodyBytes: 300) != CostModel.key(route: "/b", bodyBytes: 300))
        #expect(CostModel.key(route: "/a", bodyBytes: Int.max).sizeClass == CostModel.sizeClasses - 1)
    }

    @Test func largerUnseenBody_scalesTheNearestSmallerLearnedClass() {
        let model = CostModel()
        model.record(CostModel.key(route: "/backward", bodyBytes: 1_000), seconds: 0.001)
        #expect(model.estimate(route: "/backward", bodyBytes: 4_000) == 0.004)
        #expect(model.estimate(route: "/forward", bodyBytes: 4_000) == CostModel.prior(4_000))
    }

    @Test func nonFiniteOrNegativeTimes_areIgnored() {
        let model = CostModel()
        let key = CostModel.key(route: "/x", bodyBytes: 10)
        model.record(key, seconds: .nan)
        model.record(key, seconds: -1)
        #expect(model.estimate(route: "/x", bodyBytes: 10) == CostModel.prior(10))
    }
}
