namespace JitDsl;

/// <summary>
/// The stable codes of every user error JitDsl reports. Tests and users match on the code, never on
/// the wording. docs/ERRORS.md explains each one.
/// </summary>
public static class ErrorCodes
{
    // Building a kernel (tracing and importing).

    /// <summary>A DSL value or statement was used outside a kernel body that is being traced.</summary>
    public const string OutsideKernel = "JD0001";
    /// <summary>A value that belongs to another kernel was used in this one.</summary>
    public const string ForeignValue = "JD0002";
    /// <summary>The kernel's lambda has a parameter or return type that is not a DSL handle.</summary>
    public const string KernelLambdaType = "JD0003";
    /// <summary>A statement where it cannot stand: Break outside a loop, Else after Else, ElseIf not right after its If.</summary>
    public const string MisplacedStatement = "JD0004";
    /// <summary>A value used outside the block that defines it (a loop index after its loop, say).</summary>
    public const string OutOfScope = "JD0005";
    /// <summary>A C# expression lambda uses a construct that kernels do not support.</summary>
    public const string UnsupportedExpression = "JD0006";
    /// <summary>An expression nested too deeply to compile (a C# loop that builds one long expression).</summary>
    public const string ExpressionTooDeep = "JD0007";

    // Typing.

    /// <summary>An operator or function that does not accept the types of its operands.</summary>
    public const string OperandTypes = "JD0010";
    /// <summary>A variable (or the kernel's result) is given values whose types do not unify.</summary>
    public const string CannotUnify = "JD0011";
    /// <summary>Indexing, Length or Shape of something that is not an array.</summary>
    public const string NotAnArray = "JD0012";
    /// <summary>An array indexed with the wrong number of indices.</summary>
    public const string IndexCount = "JD0013";
    /// <summary>An index, a shape or a range bound that is not an integer.</summary>
    public const string NotAnInteger = "JD0014";
    /// <summary>A For loop whose step is the constant zero.</summary>
    public const string ZeroStep = "JD0015";
    /// <summary>A kernel called from another kernel with the wrong number of arguments.</summary>
    public const string CallArity = "JD0016";
    /// <summary>The result of a kernel that returns nothing was used as a value.</summary>
    public const string NoValue = "JD0017";
    /// <summary>A kernel that returns a value on one path and nothing on another.</summary>
    public const string ReturnMismatch = "JD0018";
    /// <summary>A conversion that loses information silently (complex to real) or makes no sense.</summary>
    public const string InvalidCast = "JD0019";
    /// <summary>An array where only a scalar can go (a Var, a condition, a math function's argument).</summary>
    public const string ScalarRequired = "JD0020";
    /// <summary>A kernel parameter given a type its handle does not accept (Arr&lt;double&gt; given int32[:]).</summary>
    public const string ParameterMismatch = "JD0021";
    /// <summary>A <c>Map</c> given an output array whose dtype cannot hold the result without changing its kind (float64 into int64).</summary>
    public const string OutputType = "JD0022";
    /// <summary>A reduction of arrays (Sum, Min …) inside a branch of <c>Where</c> or on the right of <c>&amp;</c>/<c>|</c>.</summary>
    public const string ConditionalReduction = "JD0023";
    /// <summary>A <c>PRange</c> body that writes a variable from outside the loop other than as a reduction (<c>v = v op e</c>, op + - * Min Max).</summary>
    public const string ParallelWrite = "JD0024";
    /// <summary>A <c>PRange</c> reduction variable that the body also reads elsewhere, or updates with two different operations.</summary>
    public const string ParallelReductionUse = "JD0025";
    /// <summary>A <c>Break</c> or <c>Return</c> that would leave a <c>PRange</c> loop, whose iterations run in no fixed order.</summary>
    public const string ParallelExit = "JD0026";
    /// <summary>A CUDA intrinsic (<c>Cuda.Grid</c>, <c>Cuda.SyncThreads</c> …) in a kernel not made by <c>Cuda.Kernel</c>, or what a CUDA kernel cannot do (allocate, return a value).</summary>
    public const string GpuOnly = "JD0027";

    // Signatures and arguments.

    /// <summary>A Numba-style signature string that does not parse, or does not fit the kernel's parameters.</summary>
    public const string SignatureSyntax = "JD0030";
    /// <summary>A call with the wrong number of arguments.</summary>
    public const string ArgumentCount = "JD0031";
    /// <summary>An argument whose .NET type kernels do not accept.</summary>
    public const string ArgumentType = "JD0032";
    /// <summary>A null argument.</summary>
    public const string NullArgument = "JD0033";
    /// <summary>Arguments that match none of an eagerly compiled kernel's signatures.</summary>
    public const string NoMatchingSignature = "JD0034";

    // Raised by running kernels, in the message of a standard .NET exception.

    /// <summary><see cref="IndexOutOfRangeException"/>: an index outside its axis.</summary>
    public const string IndexOutOfRange = "JD0040";
    /// <summary><see cref="DivideByZeroException"/>: integer division or modulo by zero.</summary>
    public const string DivisionByZero = "JD0041";
    /// <summary><see cref="ArithmeticException"/>: an integer raised to a negative integer power.</summary>
    public const string NegativePower = "JD0042";
    /// <summary><see cref="ArgumentException"/>: a For loop whose step turned out to be zero.</summary>
    public const string ZeroStepAtRuntime = "JD0043";
    /// <summary><see cref="ArgumentException"/>: an array allocated with a negative dimension or one over <see cref="Array.MaxLength"/>.</summary>
    public const string NegativeDimension = "JD0044";
    /// <summary><see cref="ArgumentException"/>: array shapes that do not broadcast together, or a Dot of arrays of different lengths.</summary>
    public const string ShapeMismatch = "JD0045";
    /// <summary><see cref="InvalidOperationException"/>: Min, Max, ArgMin or ArgMax of an empty array, which has no identity.</summary>
    public const string EmptyReduction = "JD0046";
}
