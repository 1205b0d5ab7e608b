using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Creps.Render.Vulkan;
using Silk.NET.Core;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Tests.Vulkan;

/// <summary>
/// The validation messages every Vulkan test relies on really arrive: an invalid call is reported, and so are objects
/// left alive when a context is destroyed — at vkDestroyDevice through the instance's messenger, at vkDestroyInstance
/// only through the messenger chained into VkInstanceCreateInfo.
/// </summary>
[NonParallelizable]
public unsafe class ValidationTests
{
    [Test]
    public void AnInvalidCallOnTheSharedDeviceIsCaptured()
    {
        var ctx = VulkanFixture.Context;
        int before = ctx.ValidationMessages.Count, processBefore = VulkanFixture.MessageCount;
        // VUID-VkBufferCreateInfo-size-00912: size must be greater than 0. The layer reports it and does not pass the call on.
        var info = new BufferCreateInfo(size: 0, usage: BufferUsageFlags.StorageBufferBit, sharingMode: SharingMode.Exclusive);
        Buffer buffer = default;
        var r = ctx.Vk.CreateBuffer(ctx.Device, &info, null, &buffer);
        if (r == Result.Success && buffer.Handle != 0) ctx.Vk.DestroyBuffer(ctx.Device, buffer, null);
        var fresh = ctx.ValidationMessages.Skip(before).ToList();
        TestContext.Out.WriteLine($"vkCreateBuffer(size 0) returned {r}; messages:\n{string.Join("\n", fresh)}");
        Assert.That(fresh, Has.Count.EqualTo(1), "exactly the provoked message");
        Assert.That(fresh[0], Does.StartWith("ErrorBitExt: ").And.Contain("VUID-VkBufferCreateInfo-size-00912"));
        Assert.That(VulkanContext.ProcessValidationMessages.Skip(processBefore), Is.EqualTo(fresh), "the process-wide list the other tests check");
    }

    [Test]
    public void ObjectsLeftAtDestructionAreCaptured()
    {
        _ = VulkanFixture.Context;   // skips or fails exactly as the other Vulkan tests do
        var ctx = VulkanContext.Create(new VulkanContextOptions { Validation = true });
        var vk = ctx.Vk;
        // A buffer never destroyed: reported by vkDestroyDevice, while the instance's messenger still exists.
        var bi = new BufferCreateInfo(size: 256, usage: BufferUsageFlags.StorageBufferBit, sharingMode: SharingMode.Exclusive);
        Buffer leakedBuffer;
        Assert.That(vk.CreateBuffer(ctx.Device, &bi, null, &leakedBuffer), Is.EqualTo(Result.Success));
        // A second debug messenger never destroyed: reported by vkDestroyInstance, after the context destroyed its own
        // messenger, so it can only arrive through the messenger chained into VkInstanceCreateInfo.
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            (void*)vk.GetInstanceProcAddr(ctx.Instance, "vkCreateDebugUtilsMessengerEXT").Handle;
        Assert.That(create != null, "vkCreateDebugUtilsMessengerEXT");
        var mi = new DebugUtilsMessengerCreateInfoEXT(messageSeverity: DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            messageType: DebugUtilsMessageTypeFlagsEXT.ValidationBitExt, pfnUserCallback: new PfnDebugUtilsMessengerCallbackEXT(&Ignore));
        DebugUtilsMessengerEXT leakedMessenger;
        Assert.That(create(ctx.Instance, &mi, null, &leakedMessenger), Is.EqualTo(Result.Success));

        int before = ctx.ValidationMessages.Count;
        ctx.Dispose();
        var fresh = ctx.ValidationMessages.Skip(before).ToList();
        TestContext.Out.WriteLine(string.Join("\n", fresh));
        Assert.That(fresh, Has.Some.Contains("VUID-vkDestroyDevice-device-00378").And.Contains("VkBuffer"), "vkDestroyDevice's leak report");
        Assert.That(fresh, Has.Some.Contains("VUID-vkDestroyInstance-instance-00629").And.Contains("VkDebugUtilsMessengerEXT"),
            "vkDestroyInstance's leak report (only the messenger chained into VkInstanceCreateInfo sees it)");
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static Bool32 Ignore(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT type, DebugUtilsMessengerCallbackDataEXT* data, void* user) => new(false);
}
