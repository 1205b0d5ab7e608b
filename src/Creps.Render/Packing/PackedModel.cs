using Creps.Render.Model;

namespace Creps.Render.Packing;

/// <summary>The model's weights packed once for the CPU kernels (per model, shared by every latent and thread).</summary>
internal sealed class PackedModel
{
    public CrepsModel Model { get; }
    public CrepsConfig Config => Model.Config;
    public int BPad { get; }
    /// <summary>Line layers in forward order: b4.fc1, then per block fc0, fc1, tores.</summary>
    public PackedLayer B4Fc1 { get; }
    public (PackedLayer Fc0, PackedLayer Fc1, PackedLayer ToRes)[] LineBlocks { get; }
    public PackedLayer[][] StageDecoders { get; }
    public PackedLayer[] DecoderLast { get; }
    public PackedLayer DecoderImg { get; }

    public PackedModel(CrepsModel model)
    {
        Model = model;
        float clamp = model.Config.FcClamp;
        BPad = PanelLayout.PadWidth(model.Config.BilineChannels);
        B4Fc1 = PackedLayer.FromModulated(model.Blocks[0].Fc1, clamp);
        LineBlocks = model.Blocks.Skip(1).Select(b => (
            PackedLayer.FromModulated(b.Fc0!, clamp), PackedLayer.FromModulated(b.Fc1, clamp), PackedLayer.FromModulated(b.ToRes!, clamp))).ToArray();
        StageDecoders = model.StageDecoders.Select(d => d.Select(PackedLayer.FromDense).ToArray()).ToArray();
        DecoderLast = model.DecoderLast.Select(PackedLayer.FromDense).ToArray();
        DecoderImg = PackedLayer.FromDense(model.DecoderImg);
    }

    /// <summary>Widest activation of the line network (for scratch sizing).</summary>
    public int MaxLineWidth => PanelLayout.PadWidth(Config.BlockResolutions.Max(Config.Channels));
}
