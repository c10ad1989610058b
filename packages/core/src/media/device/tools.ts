// DECISION(protocol.md D33): the sound device's command lines. The system's
// own audio tools carry raw 16-bit little-endian mono PCM at 48 kHz over a
// pipe: PulseAudio's parec (capture) / pacat (playback), or ALSA's arecord /
// aplay. The call resamples to its codec's rate.

/** Which tools and which devices (the daemon's `media.device`). */
export type SoundDeviceSpec = {
  tool: "pulse" | "alsa";
  /** Capture device (pulse source name, ALSA PCM name); default: the system's. */
  input?: string;
  /** Playback device (pulse sink name, ALSA PCM name); default: the system's. */
  output?: string;
};

export type ToolCommand = { command: string; args: string[] };

/** The tools' sample rate and frame: 20 ms of mono s16le at 48 kHz. */
export const DEVICE_RATE = 48000;

/** The capture (microphone) and playback (speaker) commands for `spec`. */
export function deviceCommands(spec: SoundDeviceSpec): { capture: ToolCommand; playback: ToolCommand } {
  if (spec.tool === "pulse") {
    // A 20 ms latency request keeps parec from handing us large, late chunks.
    const common = ["--raw", "--format=s16le", `--rate=${DEVICE_RATE}`, "--channels=1", "--latency-msec=20"];
    return {
      capture: { command: "parec", args: [...common, ...(spec.input ? [`--device=${spec.input}`] : [])] },
      playback: { command: "pacat", args: ["--playback", ...common, ...(spec.output ? [`--device=${spec.output}`] : [])] },
    };
  }
  const common = ["-q", "-t", "raw", "-f", "S16_LE", "-r", String(DEVICE_RATE), "-c", "1"];
  return {
    capture: { command: "arecord", args: [...common, ...(spec.input ? ["-D", spec.input] : [])] },
    playback: { command: "aplay", args: [...common, ...(spec.output ? ["-D", spec.output] : [])] },
  };
}

/** The Debian package holding `command`, for warnings. */
export function packageOf(command: string): string {
  return command === "parec" || command === "pacat" ? "pulseaudio-utils" : "alsa-utils";
}
