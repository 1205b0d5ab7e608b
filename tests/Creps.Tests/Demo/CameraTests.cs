using Creps.Demo;
using Creps.Render.Streaming;

namespace Creps.Tests.Demo;

/// <summary>The demo's exact camera and view plan, without a window.</summary>
public class CameraTests
{
    const int W = 1280, H = 720;

    [Test]
    public void PanAt1e12ZoomMovesByExactlyTheDraggedPixels()
    {
        var start = Camera.At(123456.789, -0.25, 1e-12);
        var cam = start;
        for (int i = 0; i < 1000; i++) cam = cam.Pan(1, -2, W);   // 1000 drags of (1, −2) pixels
        double pixel = start.Span / W;
        double movedX = PlaneCoordinate.Difference(cam.X, start.X) / pixel, movedY = PlaneCoordinate.Difference(cam.Y, start.Y) / pixel;
        Assert.That(movedX, Is.EqualTo(-1000).Within(1e-6), "content follows the drag: the centre moves left by 1000 pixels");
        Assert.That(movedY, Is.EqualTo(2000).Within(1e-6));
        // The same in plain doubles loses the drag entirely: one pixel (7.8e-16) is far below the ulp of 123456.789 (1.5e-11).
        double naive = 123456.789;
        for (int i = 0; i < 1000; i++) naive -= pixel;
        Assert.That((naive - 123456.789) / pixel, Is.Not.EqualTo(-1000).Within(1), "the double baseline should fail here, or the test proves nothing");
    }

    [Test]
    public void ZoomAtTheCursorKeepsThePointUnderIt()
    {
        var cam = Camera.At(1e6 + 0.3, 0.4, 1e-10);
        double px = 900.25, py = 200.5;
        for (int i = 0; i < 40; i++)
        {
            var next = cam.ZoomAt(i < 20 ? 0.5 : 1.9, px, py, W, H);
            // The plane point under the cursor, relative to the old centre, before and after.
            double before = (px - W / 2.0) * cam.Span / W;
            double after = PlaneCoordinate.Difference(next.X, cam.X) + (px - W / 2.0) * next.Span / W;
            Assert.That((after - before) / (next.Span / W), Is.EqualTo(0).Within(1e-6), $"step {i}: the point under the cursor moved");
            cam = next;
        }
    }

    [TestCase(0.3, 0)]
    [TestCase(-7.75, 3)]
    [TestCase(1e6 + 0.3, 17)]
    [TestCase(-123456.5, 40)]
    public void TexelsOfALevelAreExact(double x, int level)
    {
        var c = PlaneCoordinate.FromDouble(x).Add(3e-13);
        var (whole, frac) = c.Texel(128, level);
        // Exact: x·2^32 is an integer plus a fraction; the texel is that times 128·2^(L−32).
        var exact = (System.Numerics.BigInteger)c.Whole * 128;
        double expectedFrac;
        System.Numerics.BigInteger expectedWhole;
        if (level >= 32) { expectedWhole = exact << (level - 32); expectedWhole += (long)Math.Floor(c.Fraction * 128 * Math.ScaleB(1, level - 32)); expectedFrac = c.Fraction * 128 * Math.ScaleB(1, level - 32) % 1; }
        else
        {
            var div = System.Numerics.BigInteger.One << (32 - level);
            var q = System.Numerics.BigInteger.DivRem(exact, div, out var rem);
            if (rem.Sign < 0) { q -= 1; rem += div; }
            double f = ((double)rem + c.Fraction * 128) / (double)div;
            expectedWhole = q + (long)Math.Floor(f);
            expectedFrac = f - Math.Floor(f);
        }
        Assert.That(whole.ToString(), Is.EqualTo(expectedWhole.ToString()));
        Assert.That(frac, Is.EqualTo(expectedFrac).Within(1e-9));
        Assert.That(frac, Is.InRange(0.0, 1.0));
    }

    [Test]
    public void TexelCentredViewDrawsOneLevel()
    {
        var plan = new ViewPlan(Camera.At(0.5, 0.3125, 1), 256, 160, PageLayout.Default);
        Assert.That((plan.Fine, plan.Coarse, plan.FineWeight, plan.Magnified), Is.EqualTo((1, 1, 1.0, false)));
        // Every visible level-1 page is wanted, plus the level-0 root, the rest is the one-page margin.
        Assert.That(plan.Wanted.Where(w => w.Visible && w.Key.Level == 1).Select(w => (w.Key.X, w.Key.Y)).Order(),
            Is.EqualTo(new[] { (0L, 0L), (0L, 1L), (1L, 0L), (1L, 1L) }));
        Assert.That(plan.Wanted.Where(w => !w.Visible).All(w => w.Key.Level == 1));
    }

    [Test]
    public void PastTheExactnessLimitTheFinestExactLevelIsMagnified()
    {
        // 2^44 texels of 128 from the origin, per spot: level 38 at x = 0.4 (0.4·128·2^38 ≤ 2^44 < 0.4·128·2^39),
        // 17 at x = 1e6 (1e6·128·2^17 ≤ 2^44 < 1e6·128·2^18).
        var near = new ViewPlan(Camera.At(0.3, 0.4, 1e-12), W, H, PageLayout.Default);
        Assert.That((near.MaxExactLevel, near.Fine, near.Magnified), Is.EqualTo((38, 38, true)));
        var far = new ViewPlan(Camera.At(1e6 + 0.3, 0.4, 1e-9), W, H, PageLayout.Default);
        Assert.That((far.MaxExactLevel, far.Fine, far.Magnified), Is.EqualTo((17, 17, true)));
        Assert.DoesNotThrow(() => { foreach (var w in far.Wanted) PageLayout.Default.Check(w.Key); });
    }

    [Test]
    public void PrioritiesAreCoarseFirstThenCentreFirst()
    {
        var plan = new ViewPlan(Camera.At(0.37, 0.41, 0.013), W, H, PageLayout.Default);
        var visible = plan.Wanted.Where(w => w.Visible).ToList();
        foreach (var a in visible)
            foreach (var b in visible)
                if (a.Key.Level < b.Key.Level) Assert.That(a.Priority, Is.GreaterThan(b.Priority), $"{a.Key} before {b.Key}");
        Assert.That(plan.Wanted.Where(w => !w.Visible).Max(w => w.Priority), Is.LessThan(visible.Min(w => w.Priority)), "prefetch after every visible page");
        var fine = visible.Where(w => w.Key.Level == plan.Fine).OrderByDescending(w => w.Priority).ToList();
        var (cx0, cy0, cx1, cy1) = plan.PixelRect(plan.Levels[plan.Fine], fine[0].Key.X, fine[0].Key.Y, 128);
        Assert.That(cx0 <= W / 2.0 && W / 2.0 <= cx1 && cy0 <= H / 2.0 && H / 2.0 <= cy1, "the first fine page holds the window centre");
    }
}
