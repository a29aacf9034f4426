// Import first in a test file that exercises the weapp code paths (IS_H5 is read when a module loads).
process.env.TARO_ENV = 'weapp'
