/// MD5 (RFC 1321), implemented here because the wallet API's request hash is
/// MD5 and the project takes no packages. Not used for anything security-bearing
/// on our side: it is the operator's chosen integrity check.
package enum MD5 {
    /// The 16-byte digest of `message`.
    package static func digest(_ message: some Collection<UInt8>) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        var padded: [UInt8] = []
        padded.reserveCapacity(message.count + 72)
        padded += message
        let bitLength = UInt64(padded.count) &* 8
        padded.append(0x80)
        padded += repeatElement(0, count: (56 - padded.count % 64 + 64) % 64)
        for shift in stride(from: 0, to: 64, by: 8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

        // Through unsafe buffers: every request is signed, and the checked array
        // subscripts and table accesses cost more than the rounds themselves.
        padded.withUnsafeBytes { bytes in
            shifts.withUnsafeBufferPointer { shifts in
                sineTable.withUnsafeBufferPointer { sines in
                    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { words in
                        for chunkStart in stride(from: 0, to: bytes.count, by: 64) {
                            for wordIndex in 0..<16 {
                                words[wordIndex] = UInt32(
                                    littleEndian: bytes.loadUnaligned(fromByteOffset: chunkStart + wordIndex * 4, as: UInt32.self)
                                )
                            }
                            var (a, b, c, d) = state
                            // One loop per RFC 1321 round, so no round is chosen per step.
                            @inline(__always) func step(_ mixed: UInt32, _ index: Int, _ word: Int) {
                                let f = mixed &+ a &+ sines[index] &+ words[word]
                                a = d
                                d = c
                                c = b
                                b = b &+ (f << shifts[index] | f >> (32 &- shifts[index]))
                            }
                            for index in 0..<16 { step((b & c) | (~b & d), index, index) }
                            for index in 16..<32 { step((d & b) | (~d & c), index, (5 &* index &+ 1) & 15) }
                            for index in 32..<48 { step(b ^ c ^ d, index, (3 &* index &+ 5) & 15) }
                            for index in 48..<64 { step(c ^ (b | ~d), index, (7 &* index) & 15) }
                            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
                        }
                    }
                }
            }
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(16)
        for word in [state.0, state.1, state.2, state.3] {
            for shift in stride(from: 0, to: 32, by: 8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return digest
    }

    /// The digest of `text`'s UTF-8 bytes as 32 lowercase hex digits.
    package static func hex(_ text: String) -> String {
        hex(bytes: text.utf8)
    }

    /// The digest of `message` as 32 lowercase hex digits.
    package static func hex(bytes message: some Collection<UInt8>) -> String {
        let digest = digest(message)
        return String(unsafeUninitializedCapacity: 2 * digest.count) { output in
            for (offset, byte) in digest.enumerated() {
                output[2 * offset] = hexDigit(byte >> 4)
                output[2 * offset + 1] = hexDigit(byte & 0x0F)
            }
            return 2 * digest.count
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// floor(abs(sin(i + 1)) × 2^32), as listed in RFC 1321.
    private static let sineTable: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]
}
