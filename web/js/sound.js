// An optional alert beep (WebAudio, no sound file). Off until the user turns it on.
let ctx = null;
let enabled = false;

export function soundOn() {
  return enabled;
}

/** Turn the beep on or off; must be called from a click (browsers allow audio only then). */
export function setSound(on) {
  enabled = on;
  if (on && !ctx) ctx = new AudioContext();
  if (ctx && on && ctx.state === "suspended") ctx.resume();
}

/** Tier 1: three high beeps; tier 2: two; tier 3: one low beep. */
export function beep(tier) {
  if (!enabled || !ctx) return;
  const count = tier === 1 ? 3 : tier === 2 ? 2 : 1;
  const pitch = tier === 1 ? 1320 : tier === 2 ? 988 : 660;
  for (let i = 0; i < count; i += 1) {
    const start = ctx.currentTime + i * 0.22;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = pitch;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + 0.2);
  }
}
