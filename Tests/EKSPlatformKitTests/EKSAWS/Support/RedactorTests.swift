import Testing

@testable import EKSAWS
@testable import EKSKubernetes
@testable import EKSPlatformKit

@Suite("Redactor")
struct RedactorTests {
    @Test("account ids in ARNs and known values, access key ids, registered secrets")
    func masksEverythingKnown() {
        let redactor = Redactor()
        redactor.register(accountID: "111122223333")
        redactor.register(secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let text =
            "arn:aws:iam::111122223333:role/Admin account=111122223333 key=AKIAIOSFODNN7EXAMPLE "
            + "secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY arn:aws:iam::aws:policy/AdministratorAccess"
        #expect(
            redactor.redact(text)
                == "arn:aws:iam::************:role/Admin account=************ key=****************MPLE "
                + "secret=**** arn:aws:iam::aws:policy/AdministratorAccess"
        )
        redactor.revealsAccountID = true
        #expect(redactor.redact("arn:aws:sts::111122223333:assumed-role/A/b").contains("111122223333"))
    }

    @Test("a short value shares digits with the account id: the account id is still masked whole")
    func shortValuesDoNotCutIntoAccountIDs() {
        let redactor = Redactor()
        redactor.register(secret: "123456")  // e.g. a one-time code: too short to register
        redactor.register(secret: "12345678")
        redactor.register(accountID: "123456789012")
        #expect(redactor.redact("arn:aws:sts::123456789012:user/x") == "arn:aws:sts::************:user/x")
        #expect(redactor.redact("code 123456") == "code 123456")
    }
}
