/* watchfloor: the date pickers in Chinese on Chinese pages.
   Dash's date pickers format with date-fns and take their locale from
   window.dateFns.locale (a name -> locale map, chosen by the browser's languages, the first
   one otherwise). The locale here follows the page instead: a page whose console root says
   lang="en" gets date-fns' own English; every other page (Chinese, or bilingual with
   Chinese first) gets the zh-CN names below: weekdays 一 二 三 …, months 一月 二月 ….
   date-fns is not shipped offline with its locales, so this is the part of its zh-CN
   locale the pickers use (names for formatting, the same names for parsing). */
(function () {
  "use strict";
  const names = {
    era: { narrow: ["前", "公元"], abbreviated: ["前", "公元"], wide: ["公元前", "公元"] },
    quarter: {
      narrow: ["1", "2", "3", "4"],
      abbreviated: ["第一季", "第二季", "第三季", "第四季"],
      wide: ["第一季度", "第二季度", "第三季度", "第四季度"],
    },
    month: {
      narrow: ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
      abbreviated: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
      wide: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    },
    day: {
      narrow: ["日", "一", "二", "三", "四", "五", "六"],
      short: ["日", "一", "二", "三", "四", "五", "六"],
      abbreviated: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      wide: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    },
    dayPeriod: {
      narrow: ["上", "下"],
      abbreviated: ["上午", "下午"],
      wide: ["上午", "下午"],
    },
  };
  const PERIODS = ["am", "pm"];

  function list(kind, opts) {
    const byWidth = names[kind];
    return byWidth[(opts && opts.width) || "wide"] || byWidth.wide;
  }

  function localizer(kind, shift) {
    return function (value, opts) {
      const i = kind === "dayPeriod" ? PERIODS.indexOf(value) : Number(value) - (shift || 0);
      return list(kind, opts)[i >= 0 ? i : 0];
    };
  }

  // parsing: the longest name of the width asked for that the text starts with
  function matcher(kind, shift) {
    return function (text, opts) {
      const got = list(kind, opts);
      let best = -1;
      got.forEach(function (name, i) {
        if (text.indexOf(name) === 0 && (best < 0 || name.length > got[best].length)) best = i;
      });
      if (best < 0) return null;
      const value = kind === "dayPeriod" ? PERIODS[best] : best + (shift || 0);
      const v = opts && opts.valueCallback ? opts.valueCallback(value) : value;
      return { value: v, rest: text.slice(got[best].length) };
    };
  }

  const pattern = function (p) {
    return function (opts) {
      return p[(opts && opts.width) || "full"] || p.full;
    };
  };

  const zhCN = {
    code: "zh-CN",
    formatDistance: function (token, count) {
      return String(count) + " " + token;
    },
    formatRelative: function () {
      return "P";
    },
    localize: {
      ordinalNumber: function (n) {
        return String(n);
      },
      era: localizer("era"),
      quarter: localizer("quarter", 1),
      month: localizer("month"),
      day: localizer("day"),
      dayPeriod: localizer("dayPeriod"),
    },
    formatLong: {
      date: pattern({ full: "y'年'M'月'd'日' EEEE", long: "y'年'M'月'd'日'", medium: "yyyy-MM-dd", short: "yy-MM-dd" }),
      time: pattern({ full: "HH:mm:ss", long: "HH:mm:ss", medium: "HH:mm:ss", short: "HH:mm" }),
      dateTime: pattern({ full: "{{date}} {{time}}", long: "{{date}} {{time}}", medium: "{{date}} {{time}}", short: "{{date}} {{time}}" }),
    },
    match: {
      ordinalNumber: function (text, opts) {
        const m = /^\d+/.exec(text);
        if (!m) return null;
        const v = parseInt(m[0], 10);
        return { value: opts && opts.valueCallback ? opts.valueCallback(v) : v, rest: text.slice(m[0].length) };
      },
      era: matcher("era"),
      quarter: matcher("quarter", 1),
      month: matcher("month"),
      day: matcher("day"),
      dayPeriod: matcher("dayPeriod"),
    },
    options: { weekStartsOn: 1, firstWeekContainsDate: 4 },
  };

  function english() {
    return !!document.querySelector('.wf-console[lang="en"]');
  }

  const fns = (window.dateFns = window.dateFns || {});
  Object.defineProperty(fns, "locale", {
    configurable: true,
    get: function () {
      return english() ? {} : { zhCN: zhCN };
    },
  });
})();
