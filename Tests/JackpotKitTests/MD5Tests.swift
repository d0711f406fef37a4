import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct MD5Tests {
    /// RFC 1321, appendix A.5 ("test suite").
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func rfc1321Vectors(input: String, expected: String) {
        #expect(MD5.hex(input) == expected)
    }

    @Test func millionAsSpanManyBlocks() {
        #expect(MD5.hex(String(repeating: "a", count: 1_000_000)) == "7707d6ae4e027c70eea2a935c2296f21")
    }

    @Test func digestIsSixteenBytesOfTheHex() {
        let digest = MD5.digest(Array("abc".utf8))
        #expect(digest.count == 16)
        #expect(digest.prefix(2) == [0x90, 0x01])
    }

    /// Padding boundaries: 55 bytes fit one block, 56 need a second.
    @Test(arguments: [
        (55, "ef1772b6dff9a122358552954ad0df65"),
        (56, "3b0c8ac703f828b04c6c197006d17218"),
        (64, "014842d480b571495a4a0363793f7367"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(MD5.hex(String(repeating: "a", count: length)) == expected)
    }

    @Test func nonASCIIIsHashedAsUTF8() {
        #expect(MD5.hex("é") == MD5.hex(String(decoding: [0xC3, 0xA9], as: UTF8.self)))
        #expect(MD5.hex("é") != MD5.hex("e"))
    }
}
