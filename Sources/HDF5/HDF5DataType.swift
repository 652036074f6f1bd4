import CHDF5

/// What a dataset stores, as read from the file: the class, width and sign that a faithful reader
/// must honour whatever the writer chose.
public indirect enum HDF5DataType: Equatable, Sendable, CustomStringConvertible {
    case integer(signed: Bool, bytes: Int)
    case float(bytes: Int)
    /// A fixed-length string of `length` bytes, or variable-length when `length` is nil.
    case string(length: Int?)
    case compound([Member])
    case other(String)

    /// One named member of a compound type, at a byte offset in the record.
    public struct Member: Equatable, Sendable {
        public let name: String
        public let type: HDF5DataType
        public let offset: Int
    }

    public var description: String {
        switch self {
        case let .integer(signed, bytes): return "\(signed ? "int" : "uint")\(bytes * 8)"
        case let .float(bytes): return "float\(bytes * 8)"
        case let .string(length?): return "string(fixed \(length))"
        case .string(nil): return "string(variable)"
        case let .compound(members):
            let kinds = Set(members.map(\.type.description)).sorted().joined(separator: "/")
            return "compound(\(members.count) members: \(kinds))"
        case let .other(name): return name
        }
    }

    /// Whether values of this type are numbers a reader can convert to integers or floats.
    public var isNumeric: Bool {
        switch self {
        case .integer, .float: return true
        default: return false
        }
    }

    /// Reads the description of an HDF5 datatype identifier. Caller holds the library lock.
    static func _describe(_ type: hid_t) -> HDF5DataType {
        var littleEndian = true
        return _describe(type, littleEndian: &littleEndian)
    }

    /// Reads the description, and clears `littleEndian` when a number in it (a compound's
    /// members included) is not stored little-endian: one pass over a 1004-member compound
    /// instead of two. Caller holds the library lock.
    static func _describe(_ type: hid_t, littleEndian: inout Bool) -> HDF5DataType {
        let size = Int(H5Tget_size(type))
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            if H5Tget_order(type) != H5T_ORDER_LE { littleEndian = false }
            return .integer(signed: H5Tget_sign(type) != H5T_SGN_NONE, bytes: size)
        case H5T_FLOAT:
            if H5Tget_order(type) != H5T_ORDER_LE { littleEndian = false }
            return .float(bytes: size)
        case H5T_STRING:
            return .string(length: H5Tis_variable_str(type) > 0 ? nil : size)
        case H5T_COMPOUND:
            let count = max(0, Int(H5Tget_nmembers(type)))
            var members: [Member] = []
            members.reserveCapacity(count)
            for index in 0..<count {
                let memberIndex = UInt32(index)
                var name = ""
                if let raw = H5Tget_member_name(type, memberIndex) {
                    name = String(cString: raw)
                    H5free_memory(raw)
                }
                let memberType = H5Tget_member_type(type, memberIndex)
                let described: HDF5DataType = memberType >= 0 ? _describe(memberType, littleEndian: &littleEndian) : .other("unreadable")
                if memberType >= 0 { H5Tclose(memberType) }
                members.append(Member(name: name, type: described, offset: Int(H5Tget_member_offset(type, memberIndex))))
            }
            return .compound(members)
        case H5T_ENUM: return .other("enum")
        case H5T_ARRAY: return .other("array")
        case H5T_VLEN: return .other("vlen")
        case H5T_OPAQUE: return .other("opaque")
        case H5T_REFERENCE: return .other("reference")
        case H5T_BITFIELD: return .other("bitfield")
        case H5T_TIME: return .other("time")
        default: return .other("unknown")
        }
    }
}
