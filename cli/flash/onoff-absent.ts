/* Stands in for onoff in releases without it (every architecture but the build machine's own:
 * onoff's epoll ships no prebuilt binding and a board has no compiler). Loading it works; opening
 * a pin through sysfs says what to do instead: the gpiod driver (Debian's gpiod tools). */
export class Gpio {
  static readonly HIGH = 1;
  static readonly LOW = 0;
  static readonly accessible = false;

  constructor() {
    throw new Error(
      'sysfs GPIO is not in this release (onoff\'s native epoll has no prebuilt binding for this board): set the channel option "driver": "gpiod" (Debian package gpiod)',
    );
  }
}

export default { Gpio };
