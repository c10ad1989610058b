// An incoming call's ring made with Web Audio (no audio files): two tones
// (440 + 480 Hz, as many phones ring), 2 s on, 4 s off, until stopped.
export class RingTone {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (this.timer) return;
    try {
      this.ctx ??= new AudioContext();
      void this.ctx.resume().catch(() => undefined); // blocked until a user gesture: then silent
    } catch {
      return; // no Web Audio: the banner still shows
    }
    this.burst();
    this.timer = setInterval(() => this.burst(), 6000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private burst(): void {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== "running") return;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    const t = ctx.currentTime;
    gain.gain.setTargetAtTime(0.12, t, 0.01);
    gain.gain.setTargetAtTime(0, t + 2, 0.02);
    for (const f of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(t);
      osc.stop(t + 2.2);
    }
  }
}
