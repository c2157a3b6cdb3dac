using System.Numerics.Tensors;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Semantics;

/// <summary>
/// Strided views (NdArray): NumPy's slicing, transposing and reshaping without copies, checked against the
/// same indexing done by hand on the storage; and kernels over views on both backends against loops over copies.
/// </summary>
[TestClass]
public sealed class NdArrayTests
{
    private static double[] Counting(int n) => Enumerable.Range(0, n).Select(i => (double)i).ToArray();

    [TestMethod]
    public void SlicesFollowPython()
    {
        var a = new NdArray<double>(Counting(10));
        CollectionAssert.AreEqual(new[] { 2.0, 3.0, 4.0 }, a.Slice(0, 2, 5).ToArray());
        CollectionAssert.AreEqual(new[] { 9.0, 7.0, 5.0, 3.0, 1.0 }, a.Slice(0, step: -2).ToArray(), "a[::-2]");
        CollectionAssert.AreEqual(new[] { 7.0, 8.0, 9.0 }, a.Slice(0, -3).ToArray(), "a[-3:]");
        CollectionAssert.AreEqual(new[] { 8.0, 6.0 }, a.Slice(0, -2, 4, -2).ToArray(), "a[-2:4:-2]");
        Assert.AreEqual(0, a.Slice(0, 5, 2).Size, "a[5:2] is empty");
        CollectionAssert.AreEqual(Counting(10), a.Slice(0, -100, 100).ToArray(), "bounds are clamped");
        Assert.ThrowsExactly<ArgumentException>(() => a.Slice(0, step: 0));
    }

    [TestMethod]
    public void ViewsShareTheirStorage()
    {
        var data = Counting(12);
        var m = new NdArray<double>(data, 3, 4);
        var t = m.Transpose();
        CollectionAssert.AreEqual(new[] { 4, 3 }, t.Shape.ToArray());
        Assert.AreEqual(m[1, 2], t[2, 1]);
        t[3, 0] = -1;
        Assert.AreEqual(-1.0, data[3], "a write through the transpose lands in the storage");
        var column = m.Slice(1, 2, 3).Reshape(3);
        Assert.IsFalse(m.Slice(1, 2, 3).IsContiguous);
        CollectionAssert.AreEqual(new[] { 2.0, 6.0, 10.0 }, column.ToArray(), "a non-contiguous reshape copies");
        var flat = m.Reshape(12);
        flat[11] = 100;
        Assert.AreEqual(100.0, m[-1, -1], "a contiguous reshape is a view");
        CollectionAssert.AreEqual(new double[,] { { 0, 1, 2, -1 }, { 4, 5, 6, 7 }, { 8, 9, 10, 100 } }, m.ToMultidimensionalArray());
        CollectionAssert.AreEqual(m.ToArray(), NdArray<double>.CopyOf(m.ToMultidimensionalArray()).ToArray());
    }

    [TestMethod]
    public void AViewOutsideItsStorageIsRefused()
    {
        var data = new double[10];
        Assert.ThrowsExactly<ArgumentException>(() => new NdArray<double>(data, 0, [11], [1]));
        Assert.ThrowsExactly<ArgumentException>(() => new NdArray<double>(data, 9, [2], [1]));
        Assert.ThrowsExactly<ArgumentException>(() => new NdArray<double>(data, 1, [2], [-2]));
        Assert.ThrowsExactly<ArgumentException>(() => new NdArray<double>(data, 0, [-1], [1]));
        Assert.ThrowsExactly<ArgumentException>(() => new NdArray<double>(data, 0, [3, 4], [4, 1]), "the last row would reach element 11");
        Assert.AreEqual(0, new NdArray<double>(data, 10, [0], [1]).Size, "an empty view may start at the end");
        Assert.ThrowsExactly<ArgumentException>(() => new NdArray<double>(new double[1], 0, [int.MaxValue, int.MaxValue, int.MaxValue], [int.MaxValue, int.MaxValue, int.MaxValue]),
            "sums of reaches that would overflow");
        var view = new NdArray<double>(data, 2, 5);
        Assert.IsNotInstanceOfType<int[]>(view.Strides, "the strides compiled code trusts cannot be changed through the view");
        Assert.IsNotInstanceOfType<int[]>(view.Shape);
        Assert.AreEqual(1, new NdArray<double>(data).Slice(0, 0, 5, int.MaxValue).Size, "a[0:5:huge] is a[0]");
        Assert.AreEqual(1, new NdArray<double>(data).Slice(0, step: int.MinValue).Size);
        Assert.AreEqual(9.0, new NdArray<double>(Counting(10), 9, [10], [-1])[0], "a reversed view of the whole array");
    }

    [TestMethod]
    public void TensorsShareStorageWhereTheyCan()
    {
#pragma warning disable SYSLIB5001
        var m = new NdArray<double>(Counting(6), 2, 3);
        var tensor = m.Transpose().ToTensor();
        Assert.AreEqual(m[1, 2], tensor[2, 1]);
        tensor[0, 1] = 42;
        Assert.AreEqual(42.0, m[1, 0]);
        var back = NdArray<double>.CopyOf(Tensor.Create(Counting(6), [2, 3]));
        CollectionAssert.AreEqual(Counting(6), back.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3 }, back.Shape.ToArray());
#pragma warning restore SYSLIB5001
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void KernelsIndexViewsAsTheyIndexArrays(Backend backend)
    {
        var m = new NdArray<double>(Counting(12), 3, 4);
        var weighted = Jit.Kernel((Arr a) =>
        {
            var s = Var(0.0);
            For(a.Shape[0], i => For(a.Shape[1], j => s.Value += a[i, j] * (i + 1) * (j + 2)));
            return s;
        }, On(backend));
        foreach (var view in new[] { m, m.Transpose(), m.Slice(0, step: -1), m.Slice(1, 1, 4, 2) })
        {
            var copy = (double[,])view.ToMultidimensionalArray();
            var expected = 0.0;
            for (var i = 0; i < copy.GetLength(0); i++)
                for (var j = 0; j < copy.GetLength(1); j++)
                    expected += copy[i, j] * (i + 1) * (j + 2);
            Assert.AreEqual(expected, weighted.Invoke<double>(view), view.ToString());
            Assert.AreEqual(expected, weighted.Invoke<double>(copy), "the same kernel on a T[,]");
        }
        // One kernel, views of two ranks: each its own specialization.
        var total = Jit.Kernel((Arr a) => Sum(a), On(backend));
        Assert.AreEqual(66.0, total.Invoke<double>(m));
        Assert.AreEqual(45.0, total.Invoke<double>(new NdArray<double>(Counting(10))));
        Assert.AreEqual(66.0, total.Invoke<double>(m.Transpose()));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ArrayExpressionsReadAndWriteViews(Backend backend)
    {
        var m = new NdArray<double>(Counting(12), 3, 4);
        var t = m.Transpose();
        var shifted = Jit.Map((Arr a, Arr row) => a * 2 + row, On(backend)).Invoke<double[,]>(t, new[] { 0.5, 0.25, 0.125 });
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 3; j++)
                Assert.AreEqual(m[j, i] * 2 + new[] { 0.5, 0.25, 0.125 }[j], shifted[i, j]);
        CollectionAssert.AreEqual(new[] { 4.0, 5.0, 6.0, 7.0 },
            Jit.Kernel((Arr a) => a.Mean(axis: 0), On(backend)).Invoke<double[]>(m), "column means");
        Assert.AreEqual(11.0, Jit.Kernel((Arr a) => Max(a), On(backend)).Invoke<double>(m.Slice(0, step: -1)));

        var target = NdArray<double>.Zeros(4, 3);
        Jit.Map((Arr a) => a * 10, On(backend)).Into(target.Transpose(), m);
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 4; j++)
                Assert.AreEqual(m[i, j] * 10, target[j, i], "written through the transposed view");
        var everyOther = new double[8];
        Jit.Kernel((Arr a) => { a.Assign(1.0); }, On(backend)).Invoke(new NdArray<double>(everyOther).Slice(0, step: 2));
        CollectionAssert.AreEqual(new[] { 1.0, 0, 1, 0, 1, 0, 1, 0 }, everyOther);
        CollectionAssert.AreEqual(new[] { 9.0, 7.0, 5.0 }, Jit.Kernel((Arr a) => a, On(backend)).Invoke<double[]>(new NdArray<double>(Counting(10)).Slice(0, 9, 4, -2)),
            "a view returned is returned as a new array");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ViewsWorkWhereverArraysDo(Backend backend)
    {
        var o = On(backend);
        var reversed = new NdArray<double>(Counting(10)).Slice(0, step: -3);
        var loop = Jit.Kernel((Arr a) => { var s = Var(0.0); For(a.Length, i => s.Value += a[i] * i); return s; }, o);
        Assert.AreEqual(9.0 * 0 + 6 * 1 + 3 * 2 + 0 * 3, loop.Invoke<double>(reversed));
        var doubled = Jit.Kernel((Arr a) => { var r = ZerosLike(a); For(a.Length, i => r[i] = a[i] * 2); return r; }, o);
        CollectionAssert.AreEqual(new[] { 18.0, 12.0, 6.0, 0.0 }, doubled.Invoke<double[]>(reversed));
        var total = Jit.Kernel((Arr x) => Sum(x), o);
        Assert.AreEqual(~9L + ~6L + ~3L + ~0L, Jit.Kernel((Arr a) => total.Call(~a), o).Invoke<long>(new NdArray<long>(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }).Slice(0, step: -3)));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void IntoAViewOverlappingAnInputReadsTheInputFirst(Backend backend)
    {
        var copy = Jit.Map((Arr a) => a + 0.0, On(backend));
        var data = new[] { 1.0, 2.0, 3.0, 4.0 };
        var x = new NdArray<double>(data);
        copy.Into(x.Slice(0, 1), x.Slice(0, 0, -1));
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 2.0, 3.0 }, data, "NumPy's x[1:] = x[:-1]");
        copy.Into(data, x.Slice(0, step: -1));
        CollectionAssert.AreEqual(new[] { 3.0, 2.0, 1.0, 1.0 }, data, "reversed, not a palindrome");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AnIndexOutsideTheViewIsCaughtThoughTheStorageHasIt(Backend backend)
    {
        var firstThree = new NdArray<double>(Counting(10)).Slice(0, 0, 3);
        var read = Jit.Kernel((Arr a, Val i) => a[i], On(backend));
        Assert.AreEqual(2.0, read.Invoke<double>(firstThree, -1L), "negative indices count from the end of the view");
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => read.Invoke(firstThree, 5L));
        HasCode(e, ErrorCodes.IndexOutOfRange);
    }
}
