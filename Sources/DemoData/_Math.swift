#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _logarithm(_ x: Double) -> Double { log(x) }
@inline(__always) func _cosine(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sine(_ x: Double) -> Double { sin(x) }
@inline(__always) func _cosine(_ x: Float) -> Float { cosf(x) }
@inline(__always) func _sine(_ x: Float) -> Float { sinf(x) }
