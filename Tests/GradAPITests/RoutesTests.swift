import Testing
@testable import GradAPI

@Test func routesAreDeclared() {
    #expect(GradAPI.routes().count >= 0)
}
